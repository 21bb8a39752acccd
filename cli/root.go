// Package cli is the facesnap command line: the server (serve), its
// accounts, and a client of it (snapshots, migration, backup and restore,
// collections). Commands write to the injected outputs of Main, so that
// tests run them in-process; cmd/facesnap only wires it to the process.
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
// done or ctx is cancelled.
func (m *Main) Run(ctx context.Context, args []string) error {
	root := &cobra.Command{
		Use:           "facesnap",
		Short:         "A self-hosted, wire-compatible Face API v1.0 with snapshots",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(m.Stdout)
	root.SetErr(m.Stderr)
	root.SetArgs(args)
	root.AddCommand(m.serveCommand(), m.accountCommand())
	m.registerClientCommands(root)
	return root.ExecuteContext(ctx)
}
