package email

import (
	"context"
	"fmt"
	"strings"

	gomail "github.com/wneessen/go-mail"

	"github.com/dtrep/dtrep/engine/catalog"
)

// SendTest sends a test e-mail now, through the configured server to the
// configured recipients (to, when not empty, replaces them), in one attempt,
// and reports what happened: nil when every recipient was accepted, else
// 2208 with the cause's code and words (2202 the server could not be
// reached, 2216 a recipient was refused, ...). server names this server.
func SendTest(ctx context.Context, cfg Config, server string, to []string) error {
	if !cfg.Enabled() {
		return catalog.Err(CodeTestWarningNotSet, "EmailServer is empty: there is no server to send a test e-mail through")
	}
	if len(to) > 0 {
		cfg.To = to
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	c := composer{server: server, from: cfg.From, to: cfg.To, prefix: cfg.Prefix}
	m, err := c.envelope()
	if err != nil {
		return err
	}
	subject := "Test e-mail from dtrep on " + server
	if cfg.Prefix != "" {
		subject = cfg.Prefix + " " + subject
	}
	m.Subject(subject)
	m.SetBodyString(gomail.TypeTextPlain, testBody(cfg, server))
	res, err := sender{cfg: cfg}.send(ctx, m, cfg.To, cfg.Timeout)
	if err == nil && len(res.rejected) > 0 {
		err = catalog.Err(CodeAddressNotExist, "%s refused %s", cfg, strings.Join(res.rejected, ", "))
	}
	if err != nil {
		return catalog.Wrap(CodeSendingTest, err, "")
	}
	return nil
}

// testBody tells the recipient what the notifications will look like.
func testBody(cfg Config, server string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "This is a test e-mail from dtrep server %s.\n\n", server)
	fmt.Fprintf(&b, "Notifications of the selected events will arrive from %s through %s", cfg.From, cfg)
	if cfg.Username != "" {
		fmt.Fprintf(&b, " as %s", cfg.Username)
	}
	b.WriteString(".\n")
	var levels []string
	for _, name := range []string{"error", "warning", "information", "success"} {
		if cfg.Selection.Levels[levelNames[name]] {
			levels = append(levels, name)
		}
	}
	fmt.Fprintf(&b, "Levels: %s\n", orNone(strings.Join(levels, ", ")))
	fmt.Fprintf(&b, "Also these event IDs: %s\n", orNone(rangesText(cfg.Selection.Include)))
	fmt.Fprintf(&b, "Never these event IDs: %s\n", orNone(rangesText(cfg.Selection.Exclude)))
	fmt.Fprintf(&b, "Events raised within %s of the first are sent together.\n", cfg.Digest)
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func rangesText(rs []IDRange) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprint(r.From)
		if r.To != r.From {
			parts[i] += fmt.Sprintf("-%d", r.To)
		}
	}
	return strings.Join(parts, ",")
}
