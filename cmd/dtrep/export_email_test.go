package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/exporters/email"
	"github.com/dtrep/dtrep/exporters/email/smtptest"
)

// `dtrep email test` sends through the configured server and says 2200;
// --to replaces the recipients; an unreachable server is 2208 with 2202.
func TestEmailTestCommand(t *testing.T) {
	srv := smtptest.Start(t)
	cfg := filepath.Join(t.TempDir(), "dtrep.yaml")
	yaml := fmt.Sprintf("EmailServer: 127.0.0.1:%d\nEmailSecurity: none\nEmailTo: ops@example.com\n"+
		"EmailSubjectPrefix: '[prod]'\nEmailTimeout: 5\n", srv.Port)
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := runCLI(t, "--config", cfg, "email", "test")
	if err != nil || !strings.HasPrefix(out, "2200 E-mail notification is functioning properly: test e-mail sent") {
		t.Fatalf("%v\n%s", err, out)
	}
	m, _ := srv.Next(t, 10*time.Second).Parse(t)
	if !strings.HasPrefix(m.Header.Get("Subject"), "[prod] Test e-mail from dtrep on ") || m.Header.Get("To") != "<ops@example.com>" {
		t.Errorf("subject %q to %q", m.Header.Get("Subject"), m.Header.Get("To"))
	}

	if _, err := runCLI(t, "--config", cfg, "email", "test", "--to", "a@example.com", "--to", "b@example.com"); err != nil {
		t.Fatal(err)
	}
	if got := srv.Next(t, 10*time.Second); strings.Join(got.RcptTos, ",") != "a@example.com,b@example.com" {
		t.Errorf("--to: delivered to %v", got.RcptTos)
	}
	_, err = runCLI(t, "--config", cfg, "email", "test", "--to", "nobody")
	wantCode(t, err, email.CodeFormatInvalid)

	t.Setenv("DTREP_EMAILSERVER", fmt.Sprintf("127.0.0.1:%d", smtptest.ClosedPort(t)))
	_, err = runCLI(t, "--config", cfg, "email", "test")
	wantCode(t, err, email.CodeSendingTest)
	if !strings.Contains(err.Error(), "2202 Error connecting to e-mail server") {
		t.Errorf("error %v does not name 2202", err)
	}
	t.Setenv("DTREP_EMAILSERVER", "")
	_, err = runCLI(t, "--config", cfg, "email", "test")
	wantCode(t, err, email.CodeTestWarningNotSet)
}
