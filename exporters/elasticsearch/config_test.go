package elasticsearch

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/settings/settingstest"
)

func TestConfigDefaults(t *testing.T) {
	c, err := ConfigFromSettings(settingstest.With(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Addresses) != 0 || c.Namespace != "default" || c.Overflow != DropOldest ||
		c.BufferSize != 10000 || c.FlushBytes != 1<<20 || c.FlushInterval != 5*time.Second ||
		c.StatsInterval != time.Minute || c.CACert != nil {
		t.Errorf("defaults: %+v", c)
	}
}

func TestConfigFromSettings(t *testing.T) {
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, []byte("-----BEGIN CERTIFICATE-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := ConfigFromSettings(settingstest.With(t, map[string]string{
		"ElasticsearchAddresses":      " http://a:9200 ,https://b:9200/insert/elasticsearch,",
		"ElasticsearchUsername":       "u",
		"ElasticsearchPassword":       "p",
		"ElasticsearchAPIKey":         "k",
		"ElasticsearchCACertificate":  ca,
		"ElasticsearchNamespace":      "prod_eu",
		"ElasticsearchHeaders":        "VL-Stream-Fields: host.name,event.dataset; x-trace : 1",
		"ElasticsearchOverflowPolicy": "newest",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Addresses) != 2 || c.Addresses[1] != "https://b:9200/insert/elasticsearch" ||
		c.Username != "u" || c.Password != "p" || c.APIKey != "k" || string(c.CACert) == "" ||
		c.Namespace != "prod_eu" || c.Overflow != DropNewest {
		t.Errorf("config: %+v", c)
	}
	if c.Header.Get("Vl-Stream-Fields") != "host.name,event.dataset" || c.Header.Get("X-Trace") != "1" {
		t.Errorf("headers: %v", c.Header)
	}
}

func TestConfigRefused(t *testing.T) {
	for name, over := range map[string]map[string]string{
		"scheme":    {"ElasticsearchAddresses": "ftp://a"},
		"no host":   {"ElasticsearchAddresses": "http://"},
		"namespace": {"ElasticsearchNamespace": "Prod-EU"},
		"header":    {"ElasticsearchHeaders": "no colon here"},
		"ca":        {"ElasticsearchCACertificate": "/nonexistent/ca.pem"},
	} {
		_, err := ConfigFromSettings(settingstest.With(t, over))
		if catalog.CodeOf(err) != catalog.CodeInvalidParameter {
			t.Errorf("%s: %v, want code 101", name, err)
		}
	}
}

func TestValidNamespace(t *testing.T) {
	for _, ok := range []string{"default", "prod_eu", "a1", "x.y"} {
		if err := ValidNamespace(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "Prod", "a-b", "a b", "a*b", "_a", ".a", "a:b", string(make([]byte, 101))} {
		if ValidNamespace(bad) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseHeaders(t *testing.T) {
	h, err := ParseHeaders(" A: 1 ;; b-c:x: y ;")
	if err != nil {
		t.Fatal(err)
	}
	if h.Get("A") != "1" || h.Get("B-C") != "x: y" || len(h) != 2 {
		t.Errorf("%v", h)
	}
	for _, bad := range []string{"a", ": v", "a b: v", "a: v\r\nX: y", "é: v"} {
		if _, err := ParseHeaders(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// Header values come from a file an operator edits; whatever it holds,
// parsing must not panic and what it accepts must be sendable.
func FuzzParseHeaders(f *testing.F) {
	for _, s := range []string{"", "A: 1", "VL-Time-Field: @timestamp; VL-Msg-Field: message", "a:\x00", ";;:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHeaders(s)
		if err != nil {
			return
		}
		for name, vals := range h {
			if !validHeaderName(name) || name == "" {
				t.Fatalf("accepted header name %q", name)
			}
			for _, v := range vals {
				for _, c := range []byte(v) {
					if c == '\r' || c == '\n' || c == 0 {
						t.Fatalf("accepted header value %q", v)
					}
				}
			}
		}
	})
}
