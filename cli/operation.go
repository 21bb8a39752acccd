package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"facesnap"
	"facesnap/client"
)

func (m *Main) operationCommand() *cobra.Command {
	o := &apiOptions{}
	cmd := &cobra.Command{
		Use:   "operation",
		Short: "Follow the asynchronous operations: snapshot takes and applies, trainings",
		RunE:  groupRunE,
	}
	m.addAPIFlags(cmd, o)

	get := &cobra.Command{
		Use:   "get OPERATION_ID",
		Short: "Show an operation's status",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			c, err := m.client(o)
			if err != nil {
				return err
			}
			st, err := c.GetOperation(cmd.Context(), a[0])
			if err != nil {
				return err
			}
			return m.printOperation(o, a[0], st)
		},
	}

	wait := &cobra.Command{
		Use:   "wait OPERATION_ID",
		Short: "Wait for an operation, showing progress; exit 1 if it fails",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			c, err := m.client(o)
			if err != nil {
				return err
			}
			st, err := waitOperation(cmd.Context(), c, m.Stderr, "operation", a[0])
			if err != nil && st.Status == "" {
				return err
			}
			if perr := m.printOperation(o, a[0], st); perr != nil {
				return perr
			}
			return err
		},
	}

	var (
		top    int
		before string
	)
	list := &cobra.Command{
		Use:   "list",
		Short: "List this account's operations, newest first",
		Long: `List this account's operations, newest first.

A page ends at --top operations; the next page is the one --before the
last one's createdTime.`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if top < 0 || top > facesnap.MaxListTop {
				return usageErrorf("--top %d: want 1 to %d", top, facesnap.MaxListTop)
			}
			opts := client.ListOperationsOptions{Top: top}
			if before != "" {
				t, err := time.Parse(time.RFC3339Nano, before)
				if err != nil {
					return usageErrorf("--before %q: want an RFC 3339 time, such as an operation's createdTime", before)
				}
				opts.Before = t
			}
			c, err := m.client(o)
			if err != nil {
				return err
			}
			ops, err := c.ListOperations(cmd.Context(), opts)
			if err != nil {
				return err
			}
			if o.output == "json" {
				return writeJSON(m.Stdout, ops)
			}
			tw := newTable(m.Stdout, "ID\tKIND\tSTATUS\tCREATED\tPROGRESS\tRESOURCE\tMESSAGE")
			for _, op := range ops {
				progress := "-"
				if p := op.Progress; p != nil {
					progress = fmt.Sprintf("%d/%d", p.Done, p.Total)
				}
				kind := string(op.Kind)
				if kind == "" {
					kind = "-" // a server older than the kind field
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", op.OperationID, kind, op.Status, op.CreatedTime, progress, op.ResourceLocation, op.Message)
			}
			return tw.Flush()
		},
	}
	list.Flags().IntVar(&top, "top", 0, "list at most this many, up to 1000 (default: the server's page size)")
	list.Flags().StringVar(&before, "before", "", "list the operations created before this time (RFC 3339): the next page")

	cmd.AddCommand(get, wait, list)
	return cmd
}

func (m *Main) printOperation(o *apiOptions, id string, st client.OperationStatus) error {
	if o.output == "json" {
		return writeJSON(m.Stdout, st)
	}
	fmt.Fprintf(m.Stdout, "operation: %s\n", id)
	printStatus(m.Stdout, st)
	return nil
}
