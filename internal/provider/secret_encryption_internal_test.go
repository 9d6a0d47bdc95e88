package provider

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"strings"
	"testing"

	"filippo.io/age"
	"golang.org/x/crypto/ssh"
)

const testSecret = "whsec_Q7mZ2kP9xW4vN8bR3tY6hJ5cL1dF0gAe"

// sshKeyPair is an ed25519 SSH key: the authorized_keys line and the PEM
// private key.
func sshKeyPair(t *testing.T) (public, private string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub))), string(pem.EncodeToMemory(block))
}

// An encrypted secret decrypts with any one recipient's identity, age or
// SSH, and with no other; no error quotes the identity or the plaintext.
func TestSecretEncryption_roundTrip(t *testing.T) {
	ageIdentity, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	sshPublic, sshPrivate := sshKeyPair(t)
	encrypted, err := encryptSecret(testSecret, []string{ageIdentity.Recipient().String(), sshPublic})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(encrypted, "-----BEGIN AGE ENCRYPTED FILE-----") || strings.Contains(encrypted, testSecret[6:14]) {
		t.Fatalf("not an armored age file, or it shows the secret:\n%s", encrypted)
	}
	for name, identity := range map[string]string{
		"age identity":        ageIdentity.String(),
		"age identity file":   "# created: today\n# public key: " + ageIdentity.Recipient().String() + "\n" + ageIdentity.String() + "\n",
		"SSH ed25519 private": sshPrivate,
	} {
		got, err := decryptSecret(encrypted, identity)
		if err != nil || got != testSecret {
			t.Errorf("%s: decrypted %q, %v", name, got, err)
		}
	}

	other, _ := age.GenerateX25519Identity()
	_, otherSSH := sshKeyPair(t)
	for name, tc := range map[string]struct {
		encrypted, identity string
		want                string
	}{
		"another age identity": {encrypted, other.String(), "not one of the recipients"},
		"another SSH key":      {encrypted, otherSSH, "not one of the recipients"},
		"a public key":         {encrypted, other.Recipient().String(), "neither an age identity"},
		"garbage identity":     {encrypted, "AGE-SECRET-KEY-1NOTAKEY", "not a valid age identity"},
		"the plaintext":        {testSecret, ageIdentity.String(), "not an armored age file"},
		"damaged":              {strings.Replace(encrypted, "\n", "\nAAAA", 2), ageIdentity.String(), "cannot be"},
	} {
		_, err := decryptSecret(tc.encrypted, tc.identity)
		switch {
		case err == nil:
			t.Errorf("%s: decrypted", name)
		case !strings.Contains(err.Error(), tc.want):
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		case strings.Contains(err.Error(), "AGE-SECRET-KEY-1"+tc.identity[min(len(tc.identity), 20):]) ||
			strings.Contains(err.Error(), testSecret[6:]) || strings.Contains(err.Error(), "PRIVATE KEY-----\n"):
			t.Errorf("%s: the error quotes an input: %v", name, err)
		}
	}
	if _, err := decryptSecret(encrypted, other.String()); !errors.Is(err, errWrongIdentity) {
		t.Errorf("a wrong identity: %v, want errWrongIdentity", err)
	}
}

func TestParseRecipient(t *testing.T) {
	identity, _ := age.GenerateX25519Identity()
	sshPublic, _ := sshKeyPair(t)
	for _, ok := range []string{identity.Recipient().String(), sshPublic} {
		if _, err := parseRecipient(ok); err != nil {
			t.Errorf("parseRecipient(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "age1notakey", identity.String(), "ssh-ed25519 AAAAnotakey", "pgp key"} {
		if _, err := parseRecipient(bad); err == nil {
			t.Errorf("parseRecipient(%q) accepted it", bad)
		}
	}
}
