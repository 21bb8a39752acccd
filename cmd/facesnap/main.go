// Command facesnap serves a self-hosted Face API v1.0, manages its
// accounts, and is a client of it: snapshots, migration, backup and
// restore, collections. The commands live in facesnap/cli.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"facesnap/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first signal asks commands to stop cleanly; after it the
	// default handling is back, so a second one ends the process even if
	// a cleanup hangs.
	go func() {
		<-ctx.Done()
		stop()
	}()
	m := &cli.Main{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	err := m.Run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "facesnap:", err)
		os.Exit(cli.ExitCode(err))
	}
}
