package mgmt_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/mgmt/mgmttest"
)

// The test binary doubles as the client process that the credential tests
// start as another user: with DTREP_MGMT_HELPER_SOCKET set it runs the
// operations of DTREP_MGMT_HELPER_OPS against that socket and prints one
// "op code" line each (0 for success).
const (
	helperSocketEnv = "DTREP_MGMT_HELPER_SOCKET"
	helperOpsEnv    = "DTREP_MGMT_HELPER_OPS"
	helperServeEnv  = "DTREP_MGMT_HELPER_SERVE" // "1": serve the socket too
)

func TestMain(m *testing.M) {
	if sock := os.Getenv(helperSocketEnv); sock != "" {
		os.Exit(helperMain(sock, strings.Split(os.Getenv(helperOpsEnv), ","), os.Getenv(helperServeEnv) == "1"))
	}
	code := m.Run()
	cleanupHelperBinary()
	os.Exit(code)
}

func helperMain(sock string, ops []string, serve bool) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if serve {
		ready := make(chan struct{})
		done := make(chan error, 1)
		opts := mgmt.Options{Listening: func(string, net.Addr) { close(ready) }}
		go func() { done <- mgmt.NewServer(mgmttest.NewFake(), nil, opts).ServeUnix(ctx, sock) }()
		select {
		case <-ready:
		case err := <-done:
			fmt.Println("serve", catalog.CodeOf(err), err)
			return 1
		}
	}
	c := mgmt.NewClient(sock)
	defer c.Close()
	for _, op := range ops {
		err := helperOp(ctx, c, op)
		fmt.Printf("%s %d\n", op, catalog.CodeOf(err))
		if err != nil && catalog.CodeOf(err) == 0 {
			fmt.Fprintln(os.Stderr, op, err)
		}
	}
	return 0
}

func helperOp(ctx context.Context, c *mgmt.Client, op string) error {
	verb, arg, _ := strings.Cut(op, ":")
	switch verb {
	case "list":
		_, err := c.ListJobs(ctx)
		return err
	case "stats":
		_, err := c.Stats(ctx)
		return err
	case "status":
		_, err := c.JobStatus(ctx, arg)
		return err
	case "create":
		return c.CreateJob(ctx, mgmt.JobSpec{Name: arg, SourcePath: "/s", Target: "h:1", TargetPath: "/t"})
	case "pause-target":
		return c.PauseTarget(ctx)
	}
	return fmt.Errorf("unknown helper op %q", op)
}

// helperDir holds the copy of the test binary that runs as another user.
var helperDir string

func cleanupHelperBinary() {
	if helperDir != "" {
		os.RemoveAll(helperDir)
	}
}
