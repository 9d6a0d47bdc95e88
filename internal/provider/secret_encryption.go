package provider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"filippo.io/age/armor"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Signing secrets encrypted to the team's keys with age (filippo.io/age),
// the successor of the PGP keys aws_iam_access_key takes: the resource's
// secret_recipients, and the decrypt_secret function.

// parseRecipient reads one recipient: an age public key (age1…, or a
// post-quantum age1pq1…) or an SSH public key (ssh-ed25519 or ssh-rsa, as
// in authorized_keys). Its errors never quote the value: it may be a
// private key pasted by mistake.
func parseRecipient(s string) (age.Recipient, error) {
	switch {
	case strings.Contains(s, "AGE-SECRET-KEY-") || strings.Contains(s, "PRIVATE KEY"):
		return nil, errors.New("a value is a private key, not a public one: give its public key (age-keygen -y " +
			"KEYFILE, or the SSH key's .pub file), and keep the private key out of the configuration")
	case strings.HasPrefix(s, "age1"):
		recipients, err := age.ParseRecipients(strings.NewReader(s))
		if err != nil || len(recipients) != 1 {
			return nil, errors.New("a value that starts with age1 is not a valid age public key")
		}
		return recipients[0], nil
	case strings.HasPrefix(s, "ssh-"):
		r, err := agessh.ParseRecipient(s)
		if err != nil {
			return nil, errors.New("a value that starts with ssh- is not an ed25519 or RSA SSH public key " +
				"(authorized_keys form: ssh-ed25519 AAAA…)")
		}
		return r, nil
	}
	return nil, errors.New("a value is neither an age public key (age1…) nor an SSH public key (ssh-ed25519 … " +
		"or ssh-rsa …)")
}

// canonicalRecipient is the key a recipient names, in one form: without
// surrounding space, and for an SSH key without its comment, so that
// `file("key.pub")`'s trailing newline or a new comment is no other key.
func canonicalRecipient(s string) string {
	s = strings.TrimSpace(s)
	if fields := strings.Fields(s); strings.HasPrefix(s, "ssh-") && len(fields) >= 2 {
		return fields[0] + " " + fields[1]
	}
	return s
}

// sameRecipients reports whether two sets of recipients name the same keys.
func sameRecipients(a, b []string) bool {
	canonical := func(values []string) []string {
		out := make([]string, len(values))
		for i, v := range values {
			out[i] = canonicalRecipient(v)
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	return slices.Equal(canonical(a), canonical(b))
}

// encryptSecret encrypts secret to every recipient, armored (a text that
// starts with -----BEGIN AGE ENCRYPTED FILE-----), so that any one of their
// identities decrypts it: `age -d -i KEY` or decrypt_secret.
func encryptSecret(secret string, recipients []string) (string, error) {
	parsed := make([]age.Recipient, 0, len(recipients))
	for _, s := range recipients {
		r, err := parseRecipient(s)
		if err != nil {
			return "", err
		}
		parsed = append(parsed, r)
	}
	var out bytes.Buffer
	armored := armor.NewWriter(&out)
	w, err := age.Encrypt(armored, parsed...)
	if err != nil {
		return "", err
	}
	if _, err := io.WriteString(w, secret); err != nil {
		return "", err
	}
	if err := errors.Join(w.Close(), armored.Close()); err != nil {
		return "", err
	}
	return out.String(), nil
}

// decryptSecret's errors about its first argument.
var (
	errNotEncrypted = errors.New("the encrypted secret is not an armored age file (-----BEGIN AGE ENCRYPTED " +
		"FILE-----): pass the resource's encrypted_secret as it is")
	errDamaged = errors.New("the encrypted secret cannot be read: it is damaged or not the resource's " +
		"encrypted_secret")
)

// isEncryptedArgumentError reports whether a decryptSecret error is about
// the encrypted secret rather than the identity.
func isEncryptedArgumentError(err error) bool {
	return errors.Is(err, errNotEncrypted) || errors.Is(err, errDamaged)
}

// errWrongIdentity is decryptSecret's error for an identity the secret was
// not encrypted to.
var errWrongIdentity = errors.New("the identity is not one of the recipients the secret was encrypted to " +
	"(secret_recipients when the endpoint was created or its secret was moved out of state)")

// decryptSecret decrypts an encrypted_secret with an identity: an age
// identity file's contents (AGE-SECRET-KEY-1… lines, # comments allowed) or
// an unencrypted SSH private key in PEM form. Its errors never quote either
// input: the identity is a private key, and the plaintext must not show.
func decryptSecret(encrypted, identity string) (string, error) {
	var identities []age.Identity
	switch {
	case strings.Contains(identity, "AGE-SECRET-KEY-"):
		parsed, err := age.ParseIdentities(strings.NewReader(identity))
		if err != nil {
			return "", errors.New("the identity is not a valid age identity (AGE-SECRET-KEY-1… lines)")
		}
		identities = parsed
	case strings.Contains(identity, "PRIVATE KEY-----"):
		parsed, err := agessh.ParseIdentity([]byte(identity))
		if err != nil {
			return "", errors.New("the identity is not an unencrypted ed25519 or RSA SSH private key " +
				"(a passphrase-protected key cannot be used: decrypt it with ssh-keygen -p first)")
		}
		identities = []age.Identity{parsed}
	default:
		return "", errors.New("the identity is neither an age identity (AGE-SECRET-KEY-1…) nor an SSH " +
			"private key (-----BEGIN OPENSSH PRIVATE KEY-----)")
	}
	if !strings.HasPrefix(strings.TrimSpace(encrypted), armor.Header) {
		return "", errNotEncrypted
	}
	r, err := age.Decrypt(armor.NewReader(strings.NewReader(encrypted)), identities...)
	var noMatch *age.NoIdentityMatchError
	switch {
	case errors.As(err, &noMatch):
		return "", errWrongIdentity
	case err != nil:
		return "", errDamaged
	}
	plaintext, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return "", errDamaged
	}
	return string(plaintext), nil
}

// recipientSetValidator checks that secret_recipients can be encrypted to
// together: age refuses to mix post-quantum (age1pq1…) and classic
// recipients, which each pass recipientValidator alone.
type recipientSetValidator struct{}

func (recipientSetValidator) Description(context.Context) string {
	return "the recipients must be usable together: post-quantum age keys (age1pq1…) cannot be mixed with " +
		"classic age or SSH keys"
}

func (v recipientSetValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v recipientSetValidator) ValidateSet(ctx context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var recipients []types.String
	resp.Diagnostics.Append(req.ConfigValue.ElementsAs(ctx, &recipients, false)...)
	values := make([]string, 0, len(recipients))
	for _, r := range recipients {
		if r.IsUnknown() {
			return // checked again at apply, when it is known
		}
		if _, err := parseRecipient(r.ValueString()); err != nil {
			return // recipientValidator reports it
		}
		values = append(values, r.ValueString())
	}
	if _, err := encryptSecret("probe", values); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Secret recipients cannot be used together",
			fmt.Sprintf("The secret cannot be encrypted to these recipients together (%v): %s.", err, v.Description(ctx)))
	}
}

// recipientValidator checks each of secret_recipients at validate time.
type recipientValidator struct{}

func (recipientValidator) Description(context.Context) string {
	return "each value must be an age public key (age1…) or an SSH public key (ssh-ed25519 … or ssh-rsa …)"
}

func (v recipientValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v recipientValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parseRecipient(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid secret recipient", err.Error()+".")
	}
}
