// Command hoursd tells subscribers, before it happens, when a place they need
// to call or visit keeps other hours than usual. See README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	// The zone database is embedded so hoursd works on scratch and
	// distroless images and on hosts without /usr/share/zoneinfo.
	_ "time/tzdata"

	"github.com/hoursd/hoursd/config"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run executes the command line and returns the process exit status:
// 0 success, 1 failure, 2 bad configuration or usage.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var ve *config.ValidationError
	var ee *exitError
	switch {
	case errors.As(err, &ve):
		// The one-line Error() is for logs; here every problem gets a line.
		n := len(ve.Problems)
		fmt.Fprintf(stderr, "hoursd: invalid configuration %s: %d problem%s\n", ve.Source, n, map[bool]string{true: "s"}[n != 1])
		for _, p := range ve.Problems {
			fmt.Fprintf(stderr, "  %s: %s\n", p.Path, p.Message)
		}
		return 2
	case errors.As(err, &ee):
		if ee.err != nil {
			fmt.Fprintf(stderr, "hoursd: %v\n", ee.err)
		}
		return ee.code
	case strings.HasPrefix(err.Error(), "unknown command "):
		// cobra's own usage error has no type of its own.
		fmt.Fprintf(stderr, "hoursd: %v\n", err)
		return 2
	default:
		fmt.Fprintf(stderr, "hoursd: %v\n", err)
		return 1
	}
}

// exitError carries an exit status other than 1 out of a command.
type exitError struct {
	code int
	err  error // printed when not nil
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageError marks a bad flag or argument: exit status 2.
func usageError(format string, a ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, a...)}
}
