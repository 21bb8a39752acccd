package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"facesnap/client"
)

type migrateOptions struct {
	from, to       apiOptions
	toSubscription string
	typ, id, toID  string
	keepSnapshot   bool
	output         string
}

// migrateResult is what migrate reports, in JSON as it is on success or
// as far as it got, with the error, on failure.
type migrateResult struct {
	Type               client.SnapshotObjectType `json:"type"`
	SourceID           string                    `json:"sourceId"`
	TargetID           string                    `json:"targetId"`
	TargetSubscription string                    `json:"targetSubscription,omitempty"`
	SnapshotID         string                    `json:"snapshotId,omitempty"`
	TakeOperationID    string                    `json:"takeOperationId,omitempty"`
	ApplyOperationID   string                    `json:"applyOperationId,omitempty"`
	Source             *counts                   `json:"source,omitempty"`
	Target             *counts                   `json:"target,omitempty"`
	SnapshotDeleted    bool                      `json:"snapshotDeleted"`
	Error              string                    `json:"error,omitempty"`
}

func (m *Main) migrateCommand() *cobra.Command {
	o := &migrateOptions{}
	cmd := &cobra.Command{
		Use:   "migrate --to-key KEY --type TYPE --id ID [flags]",
		Short: "Copy a collection to another account or server through a snapshot",
		Long: `Copy a collection to another account or server through a snapshot.

Steps, each printed on stderr: check that the target id is free on the
target, count the source, find the target's
subscription, take a snapshot the target may apply, wait, apply it on the
target, wait, check that the target has as many persons and faces as the
source, and delete the snapshot (unless --keep-snapshot).

The source defaults to $` + envEndpoint + ` and $` + envKey + `; the target
endpoint defaults to the source's, for a copy between two accounts of one
server. Without --to-subscription the target server is asked which
subscription the target key belongs to (GET /account, a facesnap
extension); a server that cannot say needs the flag.

Interrupted (Ctrl-C) while the target applies, migrate keeps the snapshot
and says so, since deleting it could fail the apply; interrupted while the
source takes, it names the take operation, which goes on on the server.
A second Ctrl-C ends it at once.`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return m.migrate(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.from.endpoint, "from-endpoint", "", "source server URL (default $"+envEndpoint+")")
	f.StringVar(&o.from.key, "from-key", "", "source subscription key (default $"+envKey+")")
	f.StringVar(&o.to.endpoint, "to-endpoint", "", "target server URL (default: the source's)")
	f.StringVar(&o.to.key, "to-key", "", "target subscription key")
	f.StringVar(&o.toSubscription, "to-subscription", "", "target subscription id, a UUID (default: asked of the target server)")
	f.StringVar(&o.typ, "type", "PersonGroup", "collection type: PersonGroup, LargePersonGroup, FaceList or LargeFaceList")
	f.StringVar(&o.id, "id", "", "id of the source collection")
	f.StringVar(&o.toID, "to-id", "", "id of the collection to create on the target (default: --id)")
	f.BoolVar(&o.keepSnapshot, "keep-snapshot", false, "keep the snapshot after the copy instead of deleting it")
	addOutputFlag(cmd, &o.output)
	return cmd
}

func (m *Main) migrate(ctx context.Context, o *migrateOptions) error {
	typ, err := parseType(o.typ)
	if err != nil {
		return err
	}
	if o.id == "" {
		return usageErrorf("migrate needs --id, the source collection")
	}
	if o.to.key == "" {
		return usageErrorf("migrate needs --to-key, the target's subscription key")
	}
	o.from.output, o.to.output = o.output, o.output
	src, err := m.client(&o.from)
	if err != nil {
		return err
	}
	if o.to.endpoint == "" {
		o.to.endpoint = o.from.endpoint
		if o.to.endpoint == "" {
			o.to.endpoint = m.Getenv(envEndpoint)
		}
	}
	dst, err := m.client(&o.to)
	if err != nil {
		return err
	}
	res := &migrateResult{Type: typ, SourceID: o.id, TargetID: o.toID, TargetSubscription: o.toSubscription}
	if res.TargetID == "" {
		res.TargetID = o.id
	}
	err = m.runMigration(ctx, src, dst, o, res)
	if o.output == "json" {
		if err != nil {
			res.Error = err.Error()
		}
		if werr := writeJSON(m.Stdout, res); werr != nil && err == nil {
			err = werr
		}
		return err
	}
	if err == nil {
		fmt.Fprintf(m.Stdout, "migrated %s %s to %s: %d persons, %d faces\n",
			typ, res.SourceID, res.TargetID, res.Target.Persons, res.Target.Faces)
	}
	return err
}

// deleteTimeout bounds the deletion of the migration's snapshot, which
// runs even after an interrupt.
const deleteTimeout = 30 * time.Second

// runMigration does the steps, filling res as it goes; the snapshot,
// once taken, is deleted whatever happens next unless it is to be kept
// or the target may still be applying it.
func (m *Main) runMigration(ctx context.Context, src, dst *client.Client, o *migrateOptions, res *migrateResult) (err error) {
	log := m.Stderr
	step := func(format string, a ...any) { fmt.Fprintf(log, "==> "+format+"\n", a...) }

	// The apply would fail on an existing target only after the whole
	// snapshot was taken: look first.
	if err := checkTargetFree(ctx, dst, res.Type, res.TargetID); err != nil {
		return err
	}

	n, err := countCollection(ctx, src, res.Type, res.SourceID)
	if err != nil {
		return fmt.Errorf("count source %s %s: %w", res.Type, res.SourceID, err)
	}
	res.Source = &n
	step("source %s %s: %d persons, %d faces", res.Type, res.SourceID, n.Persons, n.Faces)

	if res.TargetSubscription == "" {
		sub, err := probeSubscription(ctx, dst)
		if err != nil {
			return err
		}
		res.TargetSubscription = sub
		step("target subscription %s (asked the target server)", sub)
	}

	opID, err := src.TakeSnapshot(ctx, client.TakeSnapshotRequest{
		Type: res.Type, ObjectID: res.SourceID, ApplyScope: []string{res.TargetSubscription},
		UserData: "facesnap migrate",
	})
	if err != nil {
		return fmt.Errorf("take snapshot: %w", err)
	}
	res.TakeOperationID = opID
	step("taking snapshot (operation %s)", opID)
	st, err := waitOperation(ctx, src, log, "take", opID)
	if err != nil {
		if ctx.Err() != nil {
			// The server goes on taking: its snapshot will exist, in
			// the target's scope, until deleted or expired.
			return fmt.Errorf("take snapshot: %w; operation %s goes on on the source server: "+
				"see `facesnap operation get %s`, and delete its snapshot if it is not wanted", err, opID, opID)
		}
		return fmt.Errorf("take snapshot: %w", err)
	}
	snapshotID, err := client.SnapshotIDFromLocation(st.ResourceLocation)
	if err != nil {
		return fmt.Errorf("take snapshot: %w", err)
	}
	res.SnapshotID = snapshotID
	step("took snapshot %s", snapshotID)
	applyEnded := false
	if !o.keepSnapshot {
		defer func() {
			if res.ApplyOperationID != "" && !applyEnded {
				// Interrupted, or the target stopped answering, while it
				// may still be applying: deleting now could fail that
				// apply.
				step("kept snapshot %s: apply operation %s may still be running", snapshotID, res.ApplyOperationID)
				return
			}
			// The context may be cancelled by now; the snapshot must
			// still go, within a bound of its own.
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), deleteTimeout)
			defer cancel()
			if derr := src.DeleteSnapshot(dctx, snapshotID); derr != nil {
				if err == nil {
					err = fmt.Errorf("delete snapshot %s: %w", snapshotID, derr)
				}
				return
			}
			res.SnapshotDeleted = true
			step("deleted snapshot %s", snapshotID)
		}()
	}

	opID, err = dst.ApplySnapshot(ctx, snapshotID, client.ApplySnapshotRequest{ObjectID: res.TargetID})
	if err != nil {
		return fmt.Errorf("apply snapshot %s: %w", snapshotID, err)
	}
	res.ApplyOperationID = opID
	step("applying snapshot to %s %s on the target (operation %s)", res.Type, res.TargetID, opID)
	_, err = waitOperation(ctx, dst, log, "apply", opID)
	var failed *client.OperationFailedError
	applyEnded = err == nil || errors.As(err, &failed)
	if err != nil {
		return fmt.Errorf("apply snapshot %s: %w", snapshotID, err)
	}

	got, err := countCollection(ctx, dst, res.Type, res.TargetID)
	if err != nil {
		return fmt.Errorf("count target %s %s: %w", res.Type, res.TargetID, err)
	}
	res.Target = &got
	if got != n {
		return failedf("verify: target %s %s has %d persons and %d faces, the source %d and %d",
			res.Type, res.TargetID, got.Persons, got.Faces, n.Persons, n.Faces)
	}
	step("verified target %s %s: %d persons, %d faces, as the source", res.Type, res.TargetID, got.Persons, got.Faces)
	if o.keepSnapshot {
		step("kept snapshot %s", snapshotID)
	}
	return nil
}

// checkTargetFree fails when the target collection already exists, which
// an apply refuses, or when the target server cannot be asked.
func checkTargetFree(ctx context.Context, dst *client.Client, t client.SnapshotObjectType, id string) error {
	_, err := collectionModel(ctx, dst, t, id)
	var apiErr *client.Error
	switch {
	case err == nil:
		return failedf("target %s %s already exists on the target server: pass another --to-id, or delete it first", t, id)
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && apiErr.Code == string(t)+"NotFound":
		return nil
	default:
		return fmt.Errorf("check that target %s %s is free: %w", t, id, err)
	}
}
