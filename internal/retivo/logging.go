package retivo

import "context"

// Logger receives one entry per HTTP attempt. The client masks the API key
// (and any part of 8 or more characters of its body), every webhook secret
// it knows and any token a transport error quotes from the server in the
// message and in every string field before the entry reaches the Logger.
// Entries carry no answer body.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
}
