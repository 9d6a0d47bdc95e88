package retivo_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// maskingKey is an API key whose body (after rt_test_) is random-looking,
// so that none of its 8-character runs is ordinary text.
const (
	maskingKey     = "rt_test_" + maskingKeyBody
	maskingKeyBody = "Q7mZ2kP9xW4vN8bR3tY6hJ5c"
)

// keyBodyRuns lists every run of 8 characters of the key's body: none may
// show anywhere.
func keyBodyRuns() []string {
	var runs []string
	for i := 0; i+8 <= len(maskingKeyBody); i++ {
		runs = append(runs, maskingKeyBody[i:i+8])
	}
	return runs
}

func assertNoKeyBodyRun(t *testing.T, what, text string) {
	t.Helper()
	for _, run := range keyBodyRuns() {
		if strings.Contains(text, run) {
			t.Errorf("%s shows %q, 8 characters of the API key's body: %s", what, run, text)
			return
		}
	}
}

// recordingLogger keeps every entry the client logs.
type recordingLogger struct {
	entries []string
}

func (l *recordingLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.entries = append(l.entries, fmt.Sprint(msg, fields))
}

func (l *recordingLogger) text() string { return strings.Join(l.entries, "\n") }

// A 401 whose text quotes parts of the API key without its rt_test_ prefix
// (so no rule about the key's shape can catch them) shows none of them, in
// the error or in the message the provider quotes; the rest of the text stays
// readable. The fragments are shorter than any token-like run, so only the
// key-body rule masks them.
func TestClient_keyBodyFragmentsMasked(t *testing.T) {
	fragments := map[string]string{
		"whole body":       maskingKeyBody,
		"first 8":          maskingKeyBody[:8],
		"middle 9":         maskingKeyBody[5:14],
		"last 8":           maskingKeyBody[len(maskingKeyBody)-8:],
		"two runs glued":   maskingKeyBody[:8] + maskingKeyBody[12:20],
		"run in a word":    "xx" + maskingKeyBody[3:11] + "yy",
		"lowercase prefix": "test_" + maskingKeyBody[2:12],
	}
	for name, fragment := range fragments {
		t.Run(name, func(t *testing.T) {
			body := `{"error": "the key ending ` + fragment + ` was revoked"}`
			h := newHostileServer(t, jsonAnswer(http.StatusUnauthorized, body))
			client := h.client(t, retivo.Config{APIKey: maskingKey})
			_, err := client.ListEndpoints(context.Background())
			apiErr, ok := retivo.AsError(err)
			if !ok {
				t.Fatalf("want an *Error, got %v", err)
			}
			assertNoKeyBodyRun(t, "the error", err.Error())
			assertNoKeyBodyRun(t, "the server message", apiErr.ServerMessage())
			if msg := apiErr.ServerMessage(); !strings.Contains(msg, "the key ending") || !strings.Contains(msg, "was revoked") {
				t.Errorf("the readable text is lost: %q", msg)
			}
		})
	}
}

// A transport failure whose text quotes the key's body (a proxy that echoes
// the Authorization header, say) shows none of it in the error or in the
// log entry.
func TestClient_keyBodyFragmentsNeverLogged(t *testing.T) {
	logger := &recordingLogger{}
	client, err := retivo.New(retivo.Config{
		BaseURL: "http://127.0.0.1:1/api", APIKey: maskingKey, Logger: logger,
		HTTPClient: &http.Client{Transport: echoingTransport{text: "proxy refused token " + maskingKeyBody[4:16]}},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.ListEndpoints(context.Background())
	if err == nil {
		t.Fatal("no error")
	}
	assertNoKeyBodyRun(t, "the error", err.Error())
	if len(logger.entries) == 0 {
		t.Fatal("nothing logged")
	}
	assertNoKeyBodyRun(t, "the log", logger.text())
	if !strings.Contains(logger.text(), "proxy refused token") {
		t.Errorf("the log lost the readable text: %s", logger.text())
	}
}

// echoingTransport fails every request with an error of the given text.
type echoingTransport struct{ text string }

func (e echoingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New(e.text)
}

// Made-up secrets of shapes no prefix rule knows, as a server fault might
// dump them. The provider has not been told any of them.
var dumpedSecrets = []string{
	"9f86d081884c7d659a2feaa0c55ad015",             // 32 hex characters
	"sk_9xQ2LmZ7vT4pR8nW3kY6bH1cJ5dF0gA=",          // sk_ and base64
	"AKIAIOSFODNN7EXAMPLE",                         // an access key id
	"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abc", // a JWT
	"hVbQxKpLwTzRmNcYgFdJsEaU",                     // random letters, no digit
}

// The body of a server fault, JSON or not, and a non-JSON error body show
// only a short excerpt with anything token-like removed, whether or not the
// client knows the secrets in it; ordinary words and short numbers stay. The
// log never carries them either.
func TestClient_faultBodiesShowNoTokens(t *testing.T) {
	dump := "database failed at step 42 while syncing: " + strings.Join(dumpedSecrets, ", ") + " (see logs)"
	jsonDump := `{"error": "` + dump + `"}`
	tests := map[string]struct {
		status      int
		contentType string
		body        string
	}{
		"500 JSON":     {500, "application/json", jsonDump},
		"502 text":     {502, "text/plain", dump},
		"503 HTML":     {503, "text/html", "<html><body><h1>" + dump + "</h1></body></html>"},
		"400 not JSON": {400, "text/plain", dump},
		"200 not JSON": {200, "text/plain", dump},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHostileServer(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", tc.contentType)
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			})
			logger := &recordingLogger{}
			client := h.client(t, retivo.Config{Logger: logger, MaxRetries: 1})
			_, err := client.ListEndpoints(context.Background())
			apiErr, ok := retivo.AsError(err)
			if !ok {
				t.Fatalf("want an *Error, got %v", err)
			}
			for what, text := range map[string]string{
				"the error": err.Error(), "the server message": apiErr.ServerMessage(), "the log": logger.text(),
			} {
				for _, secret := range dumpedSecrets {
					// Any 10 characters of a secret would be too many.
					for i := 0; i+10 <= len(secret); i++ {
						if strings.Contains(text, secret[i:i+10]) {
							t.Fatalf("%s shows %q of the secret %q: %s", what, secret[i:i+10], secret, text)
						}
					}
				}
			}
			if msg := apiErr.ServerMessage(); !strings.Contains(msg, "database failed at step 42 while syncing") {
				t.Errorf("the readable text is lost: %q", msg)
			}
		})
	}
}

// A JSON 4xx error text stays whole: it explains a validation failure, and
// its values (a URL, an event name) are what the user has to fix.
func TestClient_validationTextsStayReadable(t *testing.T) {
	const text = "url https://hooks.example.com/v2/orders-20240101 is not reachable; event order.created_v2 is unknown"
	h := newHostileServer(t, jsonAnswer(http.StatusUnprocessableEntity, `{"error": "`+text+`"}`))
	_, err := h.client(t, retivo.Config{}).ListEndpoints(context.Background())
	apiErr, ok := retivo.AsError(err)
	if !ok {
		t.Fatalf("want an *Error, got %v", err)
	}
	if apiErr.ServerMessage() != text {
		t.Errorf("server message %q, want %q", apiErr.ServerMessage(), text)
	}
}

// terminalAttack is what a hostile receiver or server puts in a text: ESC
// sequences that clear the screen, set the window title and write the
// clipboard (OSC 52), NUL, DEL, a C1 CSI, CR and a fake "Apply complete!"
// line, and bidi overrides that reorder what is shown.
const terminalAttack = "Teapot\x1b[2J\x1b]0;owned\x07\x1b]52;c;ZWNobyBvd25lZA==\x07\x00\x7f\u009b31m" +
	"\r\nApply complete! Resources: 0 added.\u202egnp.exe\u202c\u2066x\u2069"

// assertClean fails when text holds a character that can drive a terminal
// or reorder text.
func assertClean(t *testing.T, what, text string) {
	t.Helper()
	for _, r := range text {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			t.Errorf("%s holds %U: %q", what, r, text)
			return
		}
	}
}

// jsonString is s as a JSON string, control characters escaped.
func jsonString(t *testing.T, s string) string {
	t.Helper()
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// The receiver's status text and the delivery error of a test answer come
// back cleaned: no control or bidi character reaches a result, a progress
// message or a diagnostic.
func TestClient_testResultTextsCleaned(t *testing.T) {
	body := `{"test": {"success": false, "status": 418, "status_text": ` + jsonString(t, terminalAttack) +
		`, "error": ` + jsonString(t, "refused: "+terminalAttack) + `}}`
	h := newHostileServer(t, jsonAnswer(200, body))
	result, err := h.client(t, retivo.Config{}).TestEndpoint(context.Background(), "we_1")
	if err != nil {
		t.Fatal(err)
	}
	assertClean(t, "status_text", result.StatusText)
	assertClean(t, "error", result.Error)
	if !strings.HasPrefix(result.StatusText, "Teapot") || !strings.HasPrefix(result.Error, "refused: Teapot") {
		t.Errorf("the readable text is lost: %+v", result)
	}
}

// An error text from the server with bidi overrides or control characters
// shows none of them.
func TestClient_errorTextsCleaned(t *testing.T) {
	for _, status := range []int{400, 404, 500} {
		body := `{"error": ` + jsonString(t, "bad url "+terminalAttack) + `}`
		h := newHostileServer(t, jsonAnswer(status, body))
		_, err := h.client(t, retivo.Config{MaxRetries: 1}).TestEndpoint(context.Background(), "we_1")
		apiErr, ok := retivo.AsError(err)
		if !ok {
			t.Fatalf("want an *Error, got %v", err)
		}
		assertClean(t, fmt.Sprintf("%d error", status), err.Error())
		assertClean(t, fmt.Sprintf("%d server message", status), apiErr.ServerMessage())
	}
}

// A server whose answer is not HTTP at all (a malformed status or header
// line) gets its line quoted in Go's transport error: the error and the log
// show no token and no control character from it.
func TestClient_malformedAnswerLinesShowNoTokens(t *testing.T) {
	for name, answer := range map[string]string{
		"status line": "HTTP/1.1 " + dumpedSecrets[0] + " OK\r\n\r\n",
		"header line": "HTTP/1.1 200 OK\r\nX-Dump " + dumpedSecrets[1] + "\x1b[2J\r\n\r\n",
		"not HTTP":    dumpedSecrets[2] + " " + dumpedSecrets[3] + "\x1b]52;c;ZWNobw==\x07\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			addr := rawServer(t, answer)
			logger := &recordingLogger{}
			client, err := retivo.New(retivo.Config{BaseURL: "http://" + addr + "/api", APIKey: testKey, Logger: logger})
			if err != nil {
				t.Fatal(err)
			}
			_, err = client.ListEndpoints(context.Background())
			if err == nil {
				t.Fatal("no error")
			}
			for what, text := range map[string]string{"the error": err.Error(), "the log": logger.text()} {
				assertClean(t, what, text)
				for _, secret := range dumpedSecrets {
					if strings.Contains(text, secret[:12]) {
						t.Errorf("%s shows the secret %q: %s", what, secret, text)
					}
				}
			}
		})
	}
}

// rawServer answers every connection on 127.0.0.1 with answer, whatever was
// asked, and closes it.
func rawServer(t *testing.T, answer string) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = listener.Close() })
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
			_, _ = conn.Read(make([]byte, 4096))
			_, _ = conn.Write([]byte(answer))
			_ = conn.Close()
		}
	}()
	return listener.Addr().String()
}

// A receiver knows its endpoint's signing secret and may echo it (the
// secret's body, without its public whsec_ prefix) in its status text or
// error; a process that never saw the secret (a gate read in an apply) masks
// it as token-like, while the rest of the text stays readable.
func TestClient_testResultTextsMaskUnknownTokens(t *testing.T) {
	const echoed = "ZpFSlFKbcbAHYDtZyV_GvkByjwtO0m4QsmIN8kT6xTc"
	body := `{"test": {"success": false, "status": 401, "status_text": "Unauthorized ` + echoed +
		`", "error": "signature mismatch, expected ` + echoed + `"}}`
	h := newHostileServer(t, jsonAnswer(200, body))
	result, err := h.client(t, retivo.Config{}).TestEndpoint(context.Background(), "we_1")
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"status_text": result.StatusText, "error": result.Error} {
		if strings.Contains(text, echoed[:16]) {
			t.Errorf("%s shows the echoed secret: %q", name, text)
		}
	}
	if result.StatusText != "Unauthorized ***" || result.Error != "signature mismatch, expected ***" {
		t.Errorf("the readable text is lost: %+v", result)
	}
}
