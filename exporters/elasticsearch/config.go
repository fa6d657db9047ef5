package elasticsearch

import (
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/settings"
)

// Overflow policies (ElasticsearchOverflowPolicy).
const (
	DropOldest = "oldest"
	DropNewest = "newest"
)

// Config is everything the exporter needs to know about its cluster.
type Config struct {
	Addresses []string // node URLs; empty disables the exporter
	Username  string
	Password  string
	APIKey    string // takes precedence over Username
	CACert    []byte // PEM; nil trusts the system's authorities
	Namespace string // data stream namespace
	Header    http.Header

	FlushBytes    int
	FlushInterval time.Duration
	StatsInterval time.Duration // 0: no statistics documents
	BufferSize    int           // documents
	Overflow      string        // DropOldest or DropNewest

	// RetryBackoff is the first pause after a failed request; pauses
	// double up to MaxBackoff. Settings do not expose them: they exist
	// so tests need not wait for production pauses.
	RetryBackoff time.Duration
	MaxBackoff   time.Duration
	// MaxRetries is how many times the client repeats one bulk request
	// before its documents go back to the buffer.
	MaxRetries int
}

// Defaults for what settings do not carry.
const (
	defaultRetryBackoff = 200 * time.Millisecond
	defaultMaxBackoff   = 30 * time.Second
	defaultMaxRetries   = 3
)

// ConfigFromSettings reads the Elasticsearch* settings. A configuration the
// exporter cannot work with is a catalog error 101 naming the setting.
func ConfigFromSettings(st settings.Reader) (Config, error) {
	c := Config{
		Username:      st.String(catalog.SettingElasticsearchUsername),
		Password:      st.String(catalog.SettingElasticsearchPassword),
		APIKey:        st.String(catalog.SettingElasticsearchAPIKey),
		Namespace:     st.String(catalog.SettingElasticsearchNamespace),
		FlushBytes:    int(st.Int(catalog.SettingElasticsearchFlushBytes)),
		FlushInterval: time.Duration(st.Int(catalog.SettingElasticsearchFlushInterval)) * time.Second,
		StatsInterval: time.Duration(st.Int(catalog.SettingElasticsearchStatsInterval)) * time.Second,
		BufferSize:    int(st.Int(catalog.SettingElasticsearchBufferSize)),
		Overflow:      st.String(catalog.SettingElasticsearchOverflowPolicy),
	}
	for _, a := range strings.Split(st.String(catalog.SettingElasticsearchAddresses), ",") {
		if a = strings.TrimSpace(a); a != "" {
			c.Addresses = append(c.Addresses, a)
		}
	}
	h, err := ParseHeaders(st.String(catalog.SettingElasticsearchHeaders))
	if err != nil {
		return Config{}, catalog.Err(catalog.CodeInvalidParameter, "ElasticsearchHeaders: %v", err)
	}
	c.Header = h
	if p := st.String(catalog.SettingElasticsearchCACertificate); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			return Config{}, catalog.Wrap(catalog.CodeInvalidParameter, err, "ElasticsearchCACertificate")
		}
		c.CACert = b
	}
	return c, c.Validate()
}

// Validate checks the parts a typo would otherwise turn into silently lost
// documents: the URLs, the namespace (part of an index name) and the policy.
func (c Config) Validate() error {
	for _, a := range c.Addresses {
		u, err := url.Parse(a)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return catalog.Err(catalog.CodeInvalidParameter, "ElasticsearchAddresses: %q is not an http(s) URL", a)
		}
	}
	if err := ValidNamespace(c.Namespace); err != nil {
		return catalog.Err(catalog.CodeInvalidParameter, "ElasticsearchNamespace: %v", err)
	}
	if c.Overflow != DropOldest && c.Overflow != DropNewest {
		return catalog.Err(catalog.CodeInvalidParameter, "ElasticsearchOverflowPolicy: %q", c.Overflow)
	}
	if c.BufferSize < 1 || c.FlushBytes < 1 || c.FlushInterval <= 0 || c.StatsInterval < 0 {
		return catalog.Err(catalog.CodeInvalidParameter, "Elasticsearch buffer, flush and statistics sizes must be positive")
	}
	return nil
}

// withDefaults fills the unexported knobs.
func (c Config) withDefaults() Config {
	if c.RetryBackoff <= 0 {
		c.RetryBackoff = defaultRetryBackoff
	}
	if c.MaxBackoff < c.RetryBackoff {
		c.MaxBackoff = max(defaultMaxBackoff, c.RetryBackoff)
	}
	if c.MaxRetries <= 0 {
		c.MaxRetries = defaultMaxRetries
	}
	return c
}

// ValidNamespace applies the data stream naming scheme to a namespace: it
// ends an index name, so lower case, no hyphen (the scheme's separator) and
// none of the characters index names forbid.
func ValidNamespace(ns string) error {
	if ns == "" || len(ns) > 100 {
		return fmt.Errorf("%q: want 1 to 100 characters", ns)
	}
	for _, r := range ns {
		if r >= 'A' && r <= 'Z' || strings.ContainsRune(`-\/*?"<>| ,#:`, r) {
			return fmt.Errorf("%q: %q is not allowed", ns, r)
		}
	}
	if ns[0] == '_' || ns[0] == '+' || ns[0] == '.' {
		return fmt.Errorf("%q: must not start with %q", ns, ns[0])
	}
	return nil
}

// ParseHeaders reads "Name: value; Name2: value2". Semicolons separate
// pairs because header values (VL-Stream-Fields) hold commas.
func ParseHeaders(s string) (http.Header, error) {
	h := http.Header{}
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, value, ok := strings.Cut(part, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || name == "" {
			return nil, fmt.Errorf("%q: want Name: value", part)
		}
		if !validHeaderName(name) || strings.ContainsAny(value, "\r\n\x00") {
			return nil, fmt.Errorf("%q: not a valid header", part)
		}
		h.Add(textproto.CanonicalMIMEHeaderKey(name), value)
	}
	return h, nil
}

// validHeaderName accepts RFC 9110 token characters only.
func validHeaderName(n string) bool {
	for i := 0; i < len(n); i++ {
		c := n[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}
