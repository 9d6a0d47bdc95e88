package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/function"
)

// newDecryptSecretFunction returns provider::retivo::decrypt_secret.
func newDecryptSecretFunction() function.Function { return &decryptSecretFunction{} }

// decryptSecretFunction decrypts an endpoint's encrypted_secret: pure and
// offline, it never calls Retivo.
type decryptSecretFunction struct{}

func (f *decryptSecretFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "decrypt_secret"
}

func (f *decryptSecretFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Decrypts a webhook endpoint's encrypted_secret with an age or SSH identity",
		MarkdownDescription: "Decrypts the `encrypted_secret` of a `retivo_webhook_endpoint` that has " +
			"`secret_recipients`, with the identity of one of them, and returns the signing secret. It runs " +
			"offline: no call to Retivo. Give it an identity from an `ephemeral = true` variable (Terraform " +
			"1.10 and later), fed by your CI's secret store: the result is then ephemeral too, so it can feed a " +
			"write-only argument (such as a secrets manager's `secret_string_wo`, Terraform 1.11 and later) and " +
			"never lands in a plan or a state. **An identity that is only `sensitive`, not ephemeral, gives a " +
			"plaintext that Terraform writes into the state of whatever resource it feeds.** A wrong identity " +
			"or a damaged `encrypted_secret` is an error that never shows either input.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "encrypted",
				MarkdownDescription: "The resource's `encrypted_secret`: an armored age file.",
			},
			function.StringParameter{
				Name: "identity",
				MarkdownDescription: "The private key of one of the `secret_recipients`: an age identity " +
					"(`AGE-SECRET-KEY-1…`, or an identity file's contents) or an unencrypted SSH private key " +
					"(`-----BEGIN OPENSSH PRIVATE KEY-----`). Pass it from an ephemeral variable.",
			},
		},
		Return: function.StringReturn{},
	}
}

func (f *decryptSecretFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var encrypted, identity string
	if resp.Error = req.Arguments.Get(ctx, &encrypted, &identity); resp.Error != nil {
		return
	}
	plaintext, err := decryptSecret(encrypted, identity)
	switch {
	case errors.Is(err, errWrongIdentity):
		resp.Error = function.NewArgumentFuncError(1, err.Error())
	case err != nil && isEncryptedArgumentError(err):
		resp.Error = function.NewArgumentFuncError(0, err.Error())
	case err != nil:
		resp.Error = function.NewArgumentFuncError(1, err.Error())
	default:
		resp.Error = resp.Result.Set(ctx, plaintext)
	}
}
