package retivo

import (
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/idna"
)

// SameURL reports whether the URL a server answered with is the configured
// one in another form, which the provider then keeps as configured:
//
//   - an equivalent form under RFC 3986 §6.2.2–6.2.3: scheme and host in
//     another case, percent-encodings in another case or of unreserved
//     characters ("%7E" for "~"), dot segments ("/a/../b")
//     removed (§5.2.4), the scheme's default port written out or left out, an
//     empty path for "/";
//   - the host in its other IDNA form (UTS #46 lookup profile): a server may
//     store "bücher.example" as "xn--bcher-kva.example";
//   - one "/" the server added to the end of the path. That is not an RFC
//     equivalence but a quirk of some servers, accepted only in that
//     direction.
//
// Any other difference is a real change.
func SameURL(configured, answered string) bool {
	if configured == answered {
		return true
	}
	c, okC := normalizeURL(configured)
	a, okA := normalizeURL(answered)
	if !okC || !okA {
		return false
	}
	if *c == *a {
		return true
	}
	withSlash := *c
	withSlash.path += "/"
	return withSlash == *a
}

// urlKey is a URL in a form shared by every URL SameURL calls equal to it,
// for grouping identical creates.
func urlKey(raw string) string {
	n, ok := normalizeURL(raw)
	if !ok {
		return raw
	}
	return n.scheme + "://" + n.host + strings.TrimSuffix(n.path, "/") + n.rest
}

type normalURL struct {
	scheme, host, path, rest string
}

func normalizeURL(raw string) (*normalURL, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || u.Host == "" {
		return nil, false
	}
	scheme := strings.ToLower(u.Scheme)
	host := asciiHost(u.Hostname())
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port := u.Port(); port != "" && !isDefaultPort(scheme, port) {
		host += ":" + port
	}
	path := removeDotSegments(normalEscapes(u.EscapedPath()))
	if path == "" {
		path = "/"
	}
	rest := ""
	if u.RawQuery != "" || u.ForceQuery {
		rest += "?" + normalEscapes(u.RawQuery)
	}
	if u.Fragment != "" {
		rest += "#" + normalEscapes(u.EscapedFragment())
	}
	if u.User != nil {
		host = u.User.String() + "@" + host
	}
	return &normalURL{scheme: scheme, host: host, path: path, rest: rest}, true
}

// asciiHost is a host name in its ASCII (punycode) lookup form, lower case.
// A name IDNA refuses has only its ASCII letters lower-cased, so it equals
// only itself in another case: Unicode case folding would make, say, the
// Kelvin sign equal to "k".
func asciiHost(host string) string {
	if ascii, err := idna.Lookup.ToASCII(host); err == nil {
		return strings.ToLower(ascii)
	}
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, host)
}

// removeDotSegments resolves "." and ".." segments of an absolute path as
// RFC 3986 §5.2.4 does; a ".." at the root stays at the root.
func removeDotSegments(path string) string {
	if !strings.Contains(path, ".") {
		return path
	}
	segments := strings.Split(path, "/")
	out := make([]string, 0, len(segments))
	for i, seg := range segments {
		last := i == len(segments)-1
		switch seg {
		case ".":
			if last {
				out = append(out, "") // "/a/." is "/a/"
			}
		case "..":
			if len(out) > 1 {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, seg)
		}
	}
	return strings.Join(out, "/")
}

// isDefaultPort reports whether port is the scheme's default, which a URL
// may leave out.
func isDefaultPort(scheme, port string) bool {
	return (scheme == "http" && port == "80") || (scheme == "https" && port == "443")
}

// normalEscapes writes percent-encodings the way RFC 3986 §6.2.2.1–6.2.2.2
// normalises them: an unreserved character (letters, digits, "-", ".", "_",
// "~") decoded, every other encoding in upper case (%2f -> %2F).
func normalEscapes(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' || i+2 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		hex := strings.ToUpper(s[i+1 : i+3])
		if c, err := strconv.ParseUint(hex, 16, 8); err == nil && isUnreserved(byte(c)) {
			b.WriteByte(byte(c))
		} else {
			b.WriteString("%" + hex)
		}
		i += 2
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0
}
