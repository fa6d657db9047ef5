package email

import (
	"context"
	"errors"
	"net/mail"
	"net/textproto"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

	"github.com/dtrep/dtrep/engine/catalog"
)

// sender delivers one message per SMTP session. go-mail connects, secures
// (STARTTLS or implicit TLS) and authenticates; the transaction itself is
// driven here, so that a recipient the server refuses (2216) is reported by
// name while the others still receive the message, and so that each step
// fails with the chapter 5 code of where it failed: 2202 before the server
// accepted a transaction, 2201 during it, 2207 when the server refused it.
type sender struct {
	cfg Config
}

// delivery is what one attempt achieved.
type delivery struct {
	rejected []string // recipients the server refused for good
}

// send makes one attempt at delivering m to rcpts within timeout per step.
// The error, if any, is a *catalog.Error; permanent tells whether another
// attempt could succeed.
func (s sender) send(ctx context.Context, m *gomail.Msg, rcpts []string, timeout time.Duration) (delivery, error) {
	c, err := s.client(timeout)
	if err != nil {
		return delivery{}, err
	}
	conn, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return delivery{}, catalog.Wrap(CodeConnecting, err, "%s", s.cfg)
	}
	defer conn.Close()
	// A session blocked on a silent server ends with ctx, not only at
	// its deadline: closing the connection under it is safe.
	defer context.AfterFunc(ctx, func() { conn.Text.Close() })()
	d, err := s.transact(conn, m, rcpts, timeout)
	if err == nil {
		_ = conn.Quit() // delivered; a lost QUIT reply changes nothing
	}
	return d, err
}

// client is the go-mail client for the configured server.
func (s sender) client(timeout time.Duration) (*gomail.Client, error) {
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port), gomail.WithTimeout(timeout),
		gomail.WithTLSConfig(s.cfg.tlsConfig()), gomail.WithoutNoop(),
	}
	switch s.cfg.Security {
	case SecurityNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case SecuritySTARTTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case SecurityTLS:
		opts = append(opts, gomail.WithSSL())
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return nil, catalog.Wrap(CodeSettingInvalid, err, "%s", s.cfg)
	}
	return c, nil
}

// transact runs MAIL, RCPT and DATA on an open session.
func (s sender) transact(conn *smtp.Client, m *gomail.Msg, rcpts []string, timeout time.Duration) (delivery, error) {
	var d delivery
	from, err := envelopeAddress(s.cfg.From)
	if err != nil {
		return d, err
	}
	if err := step(conn, timeout, func() error { return conn.Mail(from) }); err != nil {
		return d, catalog.Wrap(codeFor(err, CodeCommunicating), err, "MAIL FROM:<%s>", from)
	}
	accepted := 0
	for _, r := range rcpts {
		addr, err := envelopeAddress(r)
		if err != nil {
			return d, err
		}
		err = step(conn, timeout, func() error { return conn.Rcpt(addr) })
		switch {
		case err == nil:
			accepted++
		case smtpCode(err) >= 500:
			d.rejected = append(d.rejected, addr)
		default:
			return d, catalog.Wrap(CodeCommunicating, err, "RCPT TO:<%s>", addr)
		}
	}
	if accepted == 0 {
		return d, catalog.Err(CodeAddressNotExist, "%s refused every recipient: %s", s.cfg, strings.Join(d.rejected, ", "))
	}
	err = step(conn, timeout, func() error {
		w, err := conn.Data()
		if err != nil {
			return err
		}
		if _, err := m.WriteTo(w); err != nil {
			w.Close()
			return err
		}
		return w.Close() // reads the server's verdict on the message
	})
	if err != nil {
		return d, catalog.Wrap(codeFor(err, CodeCommunicating), err, "DATA")
	}
	return d, nil
}

// step runs one SMTP exchange with a fresh deadline.
func step(conn *smtp.Client, timeout time.Duration, f func() error) error {
	if err := conn.UpdateDeadline(timeout); err != nil {
		return err
	}
	return f()
}

// codeFor is 2207 (the server refused the message) for a 5xx reply, else
// def: the exchange itself failed.
func codeFor(err error, def int) int {
	if smtpCode(err) >= 500 {
		return CodeSending
	}
	return def
}

// smtpCode is the server's reply code carried by err, 0 if none.
func smtpCode(err error) int {
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return tp.Code
	}
	return 0
}

// permanent reports whether err is the server's final word (a 5xx reply):
// the same message would be refused again. Anything else (no connection, a
// 4xx reply, a timeout, a dropped connection) may pass on another attempt.
func permanent(err error) bool {
	return smtpCode(err) >= 500 || catalog.CodeOf(err) == CodeAddressNotExist
}

// envelopeAddress is the bare address of a header address.
func envelopeAddress(a string) (string, error) {
	p, err := mail.ParseAddress(a)
	if err != nil {
		return "", catalog.Err(CodeFormatInvalid, "%q is not an e-mail address (%v)", a, err)
	}
	return p.Address, nil
}
