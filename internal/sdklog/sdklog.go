// Package sdklog is the one switch for how loud the plugin SDKs log: under
// Terraform (main.go) and in the tools that serve the provider in their own
// process (the demo).
package sdklog

import "strings"

// Variables are the loggers turned off by Quiet: the SDKs' and the
// provider's own (its tflog root and HTTP subsystem).
var Variables = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER",
	"TF_LOG_PROVIDER_RETIVO", "TF_LOG_PROVIDER_RETIVO_HTTP"}

// QuietUnlessAsked is Quiet when the environment has no TF_LOG* variable.
// The loggers default to TRACE and encode every entry as JSON for Terraform,
// which discards them unless the user asked for logs: a third of the
// provider's CPU time in a large plan (README, Performance). Any TF_LOG*
// variable (TF_LOG, TF_LOG_PROVIDER, TF_LOG_SDK, ...) keeps their usual
// behaviour. environ is os.Environ(); setenv is os.Setenv.
func QuietUnlessAsked(environ []string, setenv func(name, value string) error) error {
	for _, kv := range environ {
		if strings.HasPrefix(kv, "TF_LOG") {
			return nil
		}
	}
	return Quiet(setenv)
}

// Quiet turns the loggers off whatever the environment says, as a tool that
// serves the provider in its own process must: no Terraform is there to
// filter the logs, which would go to the tool's stderr.
func Quiet(setenv func(name, value string) error) error {
	for _, name := range Variables {
		if err := setenv(name, "off"); err != nil {
			return err
		}
	}
	return nil
}
