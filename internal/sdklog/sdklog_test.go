package sdklog

import (
	"maps"
	"testing"
)

func TestQuietUnlessAsked(t *testing.T) {
	tests := map[string]struct {
		environ []string
		want    map[string]string
	}{
		"no logging asked": {
			environ: []string{"HOME=/root", "PATH=/bin", "RETIVO_API_KEY=x"},
			want: map[string]string{"TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "off", "TF_LOG_SDK_FRAMEWORK": "off", "TF_LOG_PROVIDER": "off",
				"TF_LOG_PROVIDER_RETIVO": "off", "TF_LOG_PROVIDER_RETIVO_HTTP": "off"},
		},
		"TF_LOG":                 {environ: []string{"TF_LOG=DEBUG"}, want: map[string]string{}},
		"TF_LOG_PROVIDER":        {environ: []string{"TF_LOG_PROVIDER=TRACE"}, want: map[string]string{}},
		"an empty TF_LOG_SDK":    {environ: []string{"TF_LOG_SDK="}, want: map[string]string{}},
		"the HTTP log subsystem": {environ: []string{"TF_LOG_PROVIDER_RETIVO_HTTP=DEBUG"}, want: map[string]string{}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			set := map[string]string{}
			err := QuietUnlessAsked(tc.environ, func(k, v string) error { set[k] = v; return nil })
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(set, tc.want) {
				t.Errorf("set %v, want %v", set, tc.want)
			}
		})
	}
}
