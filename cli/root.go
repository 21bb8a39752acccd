// Package cli is the facesnap command line: the server (serve), its
// accounts, and a client of it (snapshots, migration, backup and restore,
// collections, detection and recognition). Commands write to the injected
// outputs of Main, so that tests run them in-process; cmd/facesnap only
// wires it to the process.
package cli

import (
	"context"
	"io"

	"github.com/spf13/cobra"
)

// Main is the facesnap command. Its outputs and environment are injected
// so that tests run it in-process.
type Main struct {
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// Run runs the command line args (without the program name) until it is
// done or ctx is cancelled. With --output json, stdout gets one JSON
// document: the command's result, or, when it fails before writing one,
// the error as {"error":{"code","message"}} (the message is on stderr too).
func (m *Main) Run(ctx context.Context, args []string) error {
	out := &countingWriter{w: m.Stdout}
	m = &Main{Stdout: out, Stderr: m.Stderr, Getenv: m.Getenv}
	root := &cobra.Command{
		Use:           "facesnap",
		Short:         "A self-hosted, wire-compatible Face API v1.0 with snapshots",
		Version:       buildVersion().String(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(m.Stdout)
	root.SetErr(m.Stderr)
	root.SetArgs(args)
	root.SetVersionTemplate("facesnap {{.Version}}\n")
	root.AddCommand(m.serveCommand(), m.accountCommand(), m.storeCommand(), m.versionCommand())
	m.registerClientCommands(root)
	cmd, err := root.ExecuteContextC(ctx)
	if err != nil && cmd != nil && out.n == 0 {
		if f := cmd.Flags().Lookup("output"); f != nil && f.Value.String() == "json" {
			_ = writeJSON(m.Stdout, errorDocument(err))
		}
	}
	return err
}

// countingWriter tells whether a command wrote anything.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
