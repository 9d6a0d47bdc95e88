package tfcli_test

import (
	"context"
	"errors"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/retivo/terraform-provider-retivo/internal/tfcli"
)

func TestRunInterruptible(t *testing.T) {
	failed := errors.New("failed")
	for _, tc := range []struct {
		name string
		run  func(context.Context) error
		want int
	}{
		{"success", func(context.Context) error { return nil }, 0},
		// The install test once reported every failure as interrupted (130).
		{"failure", func(context.Context) error { return failed }, 1},
		{"signal", func(ctx context.Context) error {
			if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
				return err
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(10 * time.Second):
				return failed
			}
		}, 130},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, err := tfcli.RunInterruptible(tc.run)
			if code != tc.want {
				t.Errorf("exit status %d (error %v), want %d", code, err, tc.want)
			}
			if (err == nil) != (tc.want == 0) {
				t.Errorf("error %v with exit status %d", err, code)
			}
		})
	}
}
