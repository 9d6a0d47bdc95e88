// Package sdklog decides how loud the plugin SDKs log when the provider runs
// under Terraform.
package sdklog

import "strings"

// Variables are the SDK loggers turned off by QuietUnlessAsked.
var Variables = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER"}

// QuietUnlessAsked turns the SDKs' own logging off when the environment has
// no TF_LOG* variable. The SDKs default to TRACE and encode every entry as
// JSON for Terraform, which discards them unless the user asked for logs: a
// third of the provider's CPU time in a large plan (README, Performance).
// Any TF_LOG* variable (TF_LOG, TF_LOG_PROVIDER, TF_LOG_SDK, ...) keeps the
// SDKs' usual behaviour. environ is os.Environ(); setenv is os.Setenv.
func QuietUnlessAsked(environ []string, setenv func(name, value string) error) error {
	for _, kv := range environ {
		if strings.HasPrefix(kv, "TF_LOG") {
			return nil
		}
	}
	for _, name := range Variables {
		if err := setenv(name, "off"); err != nil {
			return err
		}
	}
	return nil
}
