package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"facesnap/client"
)

func (m *Main) snapshotCommand() *cobra.Command {
	o := &apiOptions{}
	cmd := &cobra.Command{
		Use:   "snapshot",
		Short: "Take, apply, export and import snapshots of face collections",
		RunE:  groupRunE,
	}
	m.addAPIFlags(cmd, o)
	cmd.AddCommand(
		m.snapshotTakeCommand(o),
		m.snapshotApplyCommand(o),
		m.snapshotGetCommand(o),
		m.snapshotListCommand(o),
		m.snapshotUpdateCommand(o),
		m.snapshotDeleteCommand(o),
		m.snapshotExportCommand(o),
		m.snapshotImportCommand(o),
	)
	return cmd
}

// operationResult is what take and apply print: the operation id and,
// after --wait, its final status.
type operationResult struct {
	OperationID string                  `json:"operationId"`
	SnapshotID  string                  `json:"snapshotId,omitempty"`
	Status      *client.OperationStatus `json:"status,omitempty"`
}

// finishOperation prints an operation started by take or apply, first
// waiting for it when wait is set.
func (m *Main) finishOperation(cmd *cobra.Command, c *client.Client, o *apiOptions, label, opID string, wait bool) error {
	res := operationResult{OperationID: opID}
	var waitErr error
	if wait {
		st, err := waitOperation(cmd.Context(), c, m.Stderr, label, opID)
		if err != nil && st.Status == "" {
			return err
		}
		res.Status, waitErr = &st, err
		if label == "take" && st.Status == client.OperationSucceeded {
			res.SnapshotID, _ = client.SnapshotIDFromLocation(st.ResourceLocation)
		}
	}
	if o.output == "json" {
		if err := writeJSON(m.Stdout, res); err != nil {
			return err
		}
		return waitErr
	}
	fmt.Fprintf(m.Stdout, "operation: %s\n", opID)
	if res.Status != nil {
		printStatus(m.Stdout, *res.Status)
	}
	if res.SnapshotID != "" {
		fmt.Fprintf(m.Stdout, "snapshot:  %s\n", res.SnapshotID)
	}
	return waitErr
}

func printStatus(w io.Writer, st client.OperationStatus) {
	fmt.Fprintf(w, "status:    %s\n", st.Status)
	if p := st.Progress; p != nil {
		fmt.Fprintf(w, "progress:  %d/%d\n", p.Done, p.Total)
	}
	if st.ResourceLocation != "" {
		fmt.Fprintf(w, "resource:  %s\n", st.ResourceLocation)
	}
	if st.Message != "" {
		fmt.Fprintf(w, "message:   %s\n", st.Message)
	}
}

func (m *Main) snapshotTakeCommand(o *apiOptions) *cobra.Command {
	var (
		typ, id, scope, userData string
		wait                     bool
	)
	cmd := &cobra.Command{
		Use:   "take --type TYPE --id ID --apply-scope SUBSCRIPTION[,...]",
		Short: "Start taking a snapshot of a collection and print the operation id",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, c, err := m.typedClient(o, typ, missingFlags(id == "" || len(splitList(scope)) == 0, "snapshot take needs --id and --apply-scope"))
			if err != nil {
				return err
			}
			opID, err := c.TakeSnapshot(cmd.Context(), client.TakeSnapshotRequest{
				Type: t, ObjectID: id, ApplyScope: splitList(scope), UserData: userData,
			})
			if err != nil {
				return err
			}
			return m.finishOperation(cmd, c, o, "take", opID, wait)
		},
	}
	f := cmd.Flags()
	f.StringVar(&typ, "type", "PersonGroup", "collection type: PersonGroup, LargePersonGroup, FaceList or LargeFaceList")
	f.StringVar(&id, "id", "", "id of the collection to snapshot")
	f.StringVar(&scope, "apply-scope", "", "comma-separated subscription ids (UUIDs) that may apply the snapshot")
	f.StringVar(&userData, "user-data", "", "user data to keep with the snapshot")
	f.BoolVar(&wait, "wait", false, "wait for the operation, showing progress, and print its final status")
	return cmd
}

func (m *Main) snapshotApplyCommand(o *apiOptions) *cobra.Command {
	var (
		id   string
		wait bool
	)
	cmd := &cobra.Command{
		Use:   "apply SNAPSHOT_ID --id TARGET_ID",
		Short: "Start creating a collection from a snapshot and print the operation id",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			if id == "" {
				return usageErrorf("snapshot apply needs --id, the collection to create")
			}
			c, err := m.client(o)
			if err != nil {
				return err
			}
			opID, err := c.ApplySnapshot(cmd.Context(), a[0], client.ApplySnapshotRequest{ObjectID: id})
			if err != nil {
				return err
			}
			return m.finishOperation(cmd, c, o, "apply", opID, wait)
		},
	}
	cmd.Flags().StringVar(&id, "id", "", "id of the collection to create; it must not exist")
	cmd.Flags().BoolVar(&wait, "wait", false, "wait for the operation, showing progress, and print its final status")
	return cmd
}

func (m *Main) printSnapshot(o *apiOptions, s client.Snapshot) error {
	if o.output == "json" {
		return writeJSON(m.Stdout, s)
	}
	fmt.Fprintf(m.Stdout, "id:          %s\ntype:        %s\naccount:     %s\napply scope: %s\ncreated:     %s\nupdated:     %s\n",
		s.ID, s.Type, s.Account, strings.Join(s.ApplyScope, ","), s.CreatedTime, s.LastUpdateTime)
	if s.UserData != "" {
		fmt.Fprintf(m.Stdout, "user data:   %s\n", s.UserData)
	}
	return nil
}

func (m *Main) snapshotGetCommand(o *apiOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "get SNAPSHOT_ID",
		Short: "Show a snapshot",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			c, err := m.client(o)
			if err != nil {
				return err
			}
			s, err := c.GetSnapshot(cmd.Context(), a[0])
			if err != nil {
				return err
			}
			return m.printSnapshot(o, s)
		},
	}
}

func (m *Main) snapshotListCommand(o *apiOptions) *cobra.Command {
	var typ, scope string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the snapshots taken by, or applicable by, this account",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			var opts client.ListSnapshotsOptions
			if typ != "" {
				t, err := parseType(typ)
				if err != nil {
					return err
				}
				opts.Type = t
			}
			opts.ApplyScope = splitList(scope)
			c, err := m.client(o)
			if err != nil {
				return err
			}
			list, err := c.ListSnapshots(cmd.Context(), opts)
			if err != nil {
				return err
			}
			if o.output == "json" {
				return writeJSON(m.Stdout, list)
			}
			tw := newTable(m.Stdout, "ID\tTYPE\tCREATED\tAPPLY SCOPE")
			for _, s := range list {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.ID, s.Type, s.CreatedTime, strings.Join(s.ApplyScope, ","))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&typ, "type", "", "only snapshots of this collection type")
	cmd.Flags().StringVar(&scope, "apply-scope", "", "only snapshots these comma-separated subscription ids may apply")
	return cmd
}

func (m *Main) snapshotUpdateCommand(o *apiOptions) *cobra.Command {
	var scope, userData string
	cmd := &cobra.Command{
		Use:   "update SNAPSHOT_ID [--apply-scope SUBSCRIPTION[,...]] [--user-data TEXT]",
		Short: "Change who may apply a snapshot, or its user data",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			req := client.UpdateSnapshotRequest{ApplyScope: splitList(scope)}
			if cmd.Flags().Changed("user-data") {
				// --user-data "" clears it.
				req.UserData = &userData
			}
			if len(req.ApplyScope) == 0 && req.UserData == nil {
				return usageErrorf("snapshot update needs --apply-scope or --user-data")
			}
			c, err := m.client(o)
			if err != nil {
				return err
			}
			if err := c.UpdateSnapshot(cmd.Context(), a[0], req); err != nil {
				return err
			}
			s, err := c.GetSnapshot(cmd.Context(), a[0])
			if err != nil {
				return err
			}
			return m.printSnapshot(o, s)
		},
	}
	cmd.Flags().StringVar(&scope, "apply-scope", "", "comma-separated subscription ids (UUIDs) that may apply the snapshot")
	cmd.Flags().StringVar(&userData, "user-data", "", `new user data ("" clears it)`)
	return cmd
}

func (m *Main) snapshotDeleteCommand(o *apiOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "delete SNAPSHOT_ID",
		Short: "Delete a snapshot and its data",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			c, err := m.client(o)
			if err != nil {
				return err
			}
			if err := c.DeleteSnapshot(cmd.Context(), a[0]); err != nil {
				return err
			}
			if o.output == "json" {
				return writeJSON(m.Stdout, map[string]string{"deleted": a[0]})
			}
			fmt.Fprintf(m.Stdout, "deleted snapshot %s\n", a[0])
			return nil
		},
	}
}
