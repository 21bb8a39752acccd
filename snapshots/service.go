// Package snapshots takes and applies snapshots: point-in-time copies of a
// face collection, kept in a central BlobStore that several deployments
// share, so that a copy taken in one can be applied in another.
//
// A snapshot is two blobs under snapshots/{id}/: "data", the collection in
// the snapfile format, and "meta.json", its facesnap.Snapshot. Meta is
// written last and deleted first: a snapshot exists exactly while its meta
// does, so a reader never finds meta without complete data.
//
// Guarantees, stricter than the hosted service's: a take is a consistent
// point-in-time copy (one read transaction, whose start is the copy's
// point in time; writes to the source after it neither fail the take nor
// leak into it; a take redone after a crash copies the source as of the
// redo); an apply creates the target
// invisibly and publishes it in one transaction, so a failed or interrupted
// apply leaves nothing behind, and corrupted data fails it before anything
// becomes visible.
package snapshots

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"facesnap"
	"facesnap/snapfile"
)

// Notifier wakes the operations runner after an operation is enqueued.
type Notifier interface {
	Notify()
}

// Service is the snapshot API's business logic.
type Service struct {
	Store    facesnap.Store
	Blobs    facesnap.BlobStore
	Notifier Notifier
	// TTL is how long a snapshot lives after it is taken; default 48 h.
	TTL time.Duration
	Now func() time.Time
	// Log and Unreadable (a prometheus.Counter in production) hear of
	// each store entry a listing or purge passes over; either may be nil.
	Log        *slog.Logger
	Unreadable Counter
	// Per-account limits, counted in the Store so that they hold across
	// nodes; 0 is none. MaxSnapshots bounds the snapshots an account has
	// stored or being taken or imported; MaxTakesPerDay (imports count as
	// takes) and MaxAppliesPerDay the operations enqueued in any 24 h, as
	// the service's S0 tier does (100 each).
	MaxSnapshots     int
	MaxTakesPerDay   int
	MaxAppliesPerDay int
}

// day is the window of the per-day quotas.
const day = 24 * time.Hour

// Counter counts events.
type Counter interface{ Inc() }

const (
	defaultTTL    = 48 * time.Hour
	maxApplyScope = 1000
)

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now().UTC().Truncate(100 * time.Nanosecond)
}

func (s *Service) ttl() time.Duration {
	if s.TTL > 0 {
		return s.TTL
	}
	return defaultTTL
}

func (s *Service) notify() {
	if s.Notifier != nil {
		s.Notifier.Notify()
	}
}

// TakeParams is a TakeSnapshotRequest.
type TakeParams struct {
	Type       facesnap.Kind
	ObjectID   string
	ApplyScope []string
	UserData   string
}

// takeArgs are the snapshot.take operation's arguments.
type takeArgs struct {
	SnapshotID string                 `json:"snapshotId"`
	Source     facesnap.CollectionRef `json:"source"`
	ApplyScope []string               `json:"applyScope"`
	UserData   string                 `json:"userData,omitempty"`
}

// Take validates a take request and enqueues the operation that copies the
// collection. It returns the operation id.
func (s *Service) Take(ctx context.Context, acct facesnap.Account, p TakeParams) (string, error) {
	if !p.Type.Valid() {
		return "", facesnap.Invalidf("Invalid snapshot type %q: must be one of FaceList, LargeFaceList, PersonGroup, LargePersonGroup.", p.Type)
	}
	if err := checkObjectID(p.ObjectID); err != nil {
		return "", err
	}
	scope, err := normalizeScope(p.ApplyScope)
	if err != nil {
		return "", err
	}
	if err := checkUserData(p.UserData); err != nil {
		return "", err
	}
	src := facesnap.CollectionRef{Account: acct.Name, Kind: p.Type, ID: p.ObjectID}
	// Fail fast for a source that does not exist; one deleted after this
	// check fails the operation instead.
	if _, err := s.Store.CollectionGet(ctx, src); err != nil {
		return "", err
	}
	snapshotID := uuid.NewString()
	args, err := json.Marshal(takeArgs{SnapshotID: snapshotID, Source: src, ApplyScope: scope, UserData: p.UserData})
	if err != nil {
		return "", err
	}
	op := facesnap.Operation{
		ID: uuid.NewString(), Account: acct.Name, Kind: facesnap.OperationSnapshotTake,
		Args: args, Status: facesnap.OperationNotStarted, CreatedAt: s.now(),
	}
	err = s.Store.InTx(ctx, func(tx facesnap.Store) error {
		if err := s.useTake(ctx, tx, acct, op.ID, snapshotID, op.CreatedAt); err != nil {
			return err
		}
		return tx.OperationCreate(ctx, op)
	})
	if errors.Is(err, facesnap.ErrQuota) {
		return "", err
	}
	if err != nil {
		return "", fmt.Errorf("create take operation: %w", err)
	}
	s.notify()
	return op.ID, nil
}

// ApplyParams is an ApplySnapshotRequest.
type ApplyParams struct {
	ObjectID string
	// Mode is only "CreateNew". Nil is a request that leaves the field
	// out, which the spec defaults to CreateNew (the Go client omits it
	// when unset); an empty mode is a wrong value, not a missing one.
	Mode *string
}

// applyArgs are the snapshot.apply operation's arguments.
type applyArgs struct {
	SnapshotID string                 `json:"snapshotId"`
	Target     facesnap.CollectionRef `json:"target"`
}

// Apply validates an apply request, reserves the target id and enqueues the
// operation that creates the target, in one transaction. A target id that
// is taken (an existing object, or another apply's reservation) still
// returns an operation, failed with a message, as the service does.
func (s *Service) Apply(ctx context.Context, acct facesnap.Account, snapshotID string, p ApplyParams) (string, error) {
	if p.Mode != nil && *p.Mode != "CreateNew" {
		return "", facesnap.Invalidf("Invalid mode %q: only CreateNew is supported.", *p.Mode)
	}
	if err := checkObjectID(p.ObjectID); err != nil {
		return "", err
	}
	snap, err := s.Get(ctx, acct, snapshotID)
	if err != nil {
		return "", err
	}
	if !snap.InScope(acct) {
		return "", facesnap.Invalidf("Subscription %s is not in the applyScope of snapshot %s.", acct.SubscriptionID, snap.ID)
	}
	target := facesnap.CollectionRef{Account: acct.Name, Kind: snap.Type, ID: p.ObjectID}
	args, err := json.Marshal(applyArgs{SnapshotID: snap.ID, Target: target})
	if err != nil {
		return "", err
	}
	now := s.now()
	op := facesnap.Operation{
		ID: uuid.NewString(), Account: acct.Name, Kind: facesnap.OperationSnapshotApply,
		Args: args, Status: facesnap.OperationNotStarted, CreatedAt: now,
	}
	err = s.Store.InTx(ctx, func(tx facesnap.Store) error {
		err := useQuota(ctx, tx, facesnap.QuotaUseParams{
			Account: acct.Name, Kind: facesnap.QuotaApply, ID: op.ID, Limit: s.MaxAppliesPerDay, Now: now, Until: now.Add(day),
		}, "Apply quota reached: at most %d apply operations per day.")
		if err != nil {
			return err
		}
		err = tx.CollectionReserve(ctx, facesnap.CollectionReserveParams{
			Collection:    facesnap.Collection{CollectionRef: target, RecognitionModel: facesnap.DefaultRecognitionModel, CreatedAt: now},
			Owner:         op.ID,
			MaxPerAccount: target.Kind.MaxPerAccount(),
		})
		if msg := reserveFailure(err, target); msg != "" {
			op.Status, op.Message, op.FinishedAt = facesnap.OperationFailed, msg, now
		} else if err != nil {
			return err
		}
		return tx.OperationCreate(ctx, op)
	})
	if errors.Is(err, facesnap.ErrQuota) {
		return "", err
	}
	if err != nil {
		return "", fmt.Errorf("create apply operation: %w", err)
	}
	s.notify()
	return op.ID, nil
}

// useTake records, in tx, one take (or import) of acct's day and one
// stored snapshot, the snapshot counted until it expires.
func (s *Service) useTake(ctx context.Context, tx facesnap.Store, acct facesnap.Account, takeID, snapshotID string, now time.Time) error {
	err := useQuota(ctx, tx, facesnap.QuotaUseParams{
		Account: acct.Name, Kind: facesnap.QuotaTake, ID: takeID, Limit: s.MaxTakesPerDay, Now: now, Until: now.Add(day),
	}, "Take quota reached: at most %d take or import operations per day.")
	if err != nil {
		return err
	}
	return useQuota(ctx, tx, facesnap.QuotaUseParams{
		Account: acct.Name, Kind: facesnap.QuotaSnapshot, ID: snapshotID, Limit: s.MaxSnapshots, Now: now, Until: now.Add(s.ttl()),
	}, "Snapshot number reached account level limit: at most %d.")
}

// useQuota records one use in tx. A use past the limit is a QuotaError in
// the service's words: message, given the limit.
func useQuota(ctx context.Context, tx facesnap.Store, p facesnap.QuotaUseParams, message string) error {
	err := tx.QuotaUse(ctx, p)
	if errors.Is(err, facesnap.ErrQuota) {
		return &facesnap.QuotaError{Message: fmt.Sprintf(message, p.Limit)}
	}
	return err
}

// releaseSnapshot gives back the stored-snapshot use of a snapshot that
// is gone or never came to be. A failure only delays the slot's return
// until the snapshot would have expired, so it is logged, not returned.
func (s *Service) releaseSnapshot(ctx context.Context, account, snapshotID string) {
	if err := s.Store.QuotaRelease(context.WithoutCancel(ctx), account, facesnap.QuotaSnapshot, snapshotID); err != nil && s.Log != nil {
		s.Log.Warn("snapshot quota not released", "snapshot", snapshotID, "err", err)
	}
}

// reserveFailure is the failed operation's message for a target that
// cannot be reserved, or "" for an error that is not the caller's.
func reserveFailure(err error, target facesnap.CollectionRef) string {
	switch {
	case errors.Is(err, facesnap.ErrExists):
		return fmt.Sprintf("Apply failed: the target %s '%s' already exists or is being created by another apply.", target.Kind, target.ID)
	case errors.Is(err, facesnap.ErrQuota):
		return fmt.Sprintf("Apply failed: the account has reached its limit of %d %s objects.", target.Kind.MaxPerAccount(), target.Kind)
	}
	return ""
}

// Get returns a snapshot the caller may see: the source account's and
// those whose applyScope holds the caller's subscription. Any other, or an
// expired one, does not exist for the caller.
func (s *Service) Get(ctx context.Context, acct facesnap.Account, id string) (*facesnap.Snapshot, error) {
	if err := uuid.Validate(id); err != nil {
		return nil, facesnap.NotFound(facesnap.ObjectSnapshot, id)
	}
	snap, err := s.readMeta(ctx, strings.ToLower(id))
	if unauthentic(err) {
		s.unreadable(ctx, metaKey(strings.ToLower(id)), err)
		return nil, &facesnap.NotFoundError{Object: facesnap.ObjectSnapshot,
			Message: fmt.Sprintf("Snapshot '%s' cannot be authenticated with this deployment's snapshot store key.", id)}
	}
	if err != nil {
		return nil, err
	}
	if !snap.VisibleTo(acct) || s.expired(snap) {
		return nil, facesnap.NotFound(facesnap.ObjectSnapshot, id)
	}
	return snap, nil
}

// ListParams filters List.
type ListParams struct {
	Type       facesnap.Kind // empty: any
	ApplyScope []string      // empty: any; else snapshots whose scope holds one of these
}

// List returns the snapshots the caller may see, oldest first.
func (s *Service) List(ctx context.Context, acct facesnap.Account, p ListParams) ([]*facesnap.Snapshot, error) {
	if p.Type != "" && !p.Type.Valid() {
		return nil, facesnap.Invalidf("Invalid snapshot type %q.", p.Type)
	}
	scope, err := normalizeFilter(p.ApplyScope)
	if err != nil {
		return nil, err
	}
	all, err := s.listMeta(ctx)
	if err != nil {
		return nil, err
	}
	var out []*facesnap.Snapshot
	for _, snap := range all {
		if !snap.VisibleTo(acct) || s.expired(snap) {
			continue
		}
		if p.Type != "" && snap.Type != p.Type {
			continue
		}
		if len(scope) > 0 && !slices.ContainsFunc(scope, func(sub string) bool { return slices.Contains(snap.ApplyScope, sub) }) {
			continue
		}
		out = append(out, snap)
	}
	slices.SortFunc(out, func(a, b *facesnap.Snapshot) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// UpdateParams changes the fields that are not nil.
type UpdateParams struct {
	ApplyScope *[]string
	UserData   *string
}

// Update changes a snapshot's applyScope or userData; only the source
// account may.
func (s *Service) Update(ctx context.Context, acct facesnap.Account, id string, p UpdateParams) error {
	snap, err := s.getOwned(ctx, acct, id)
	if err != nil {
		return err
	}
	if p.ApplyScope != nil {
		scope, err := normalizeScope(*p.ApplyScope)
		if err != nil {
			return err
		}
		snap.ApplyScope = scope
	}
	if p.UserData != nil {
		if err := checkUserData(*p.UserData); err != nil {
			return err
		}
		snap.UserData = *p.UserData
	}
	snap.LastUpdateAt = s.now()
	return s.writeMeta(ctx, snap)
}

// Delete removes a snapshot and its data; only the source account may.
func (s *Service) Delete(ctx context.Context, acct facesnap.Account, id string) error {
	snap, err := s.getOwned(ctx, acct, id)
	if err != nil {
		return err
	}
	if err := s.remove(ctx, snap.ID); err != nil {
		return err
	}
	s.releaseSnapshot(ctx, acct.Name, snap.ID)
	return nil
}

// getOwned is Get for what only the source account may do: to any other
// the snapshot does not exist.
func (s *Service) getOwned(ctx context.Context, acct facesnap.Account, id string) (*facesnap.Snapshot, error) {
	snap, err := s.Get(ctx, acct, id)
	if err != nil {
		return nil, err
	}
	if !snap.OwnedBy(acct) {
		return nil, facesnap.NotFound(facesnap.ObjectSnapshot, id)
	}
	return snap, nil
}

// newSnapshot is the metadata of a snapshot whose data, summed up by
// sum, is stored: taken or imported now by acct.
func (s *Service) newSnapshot(id string, acct facesnap.Account, kind facesnap.Kind, objectID string, scope []string, userData string, sum snapfile.Summary) *facesnap.Snapshot {
	now := s.now()
	return &facesnap.Snapshot{
		ID: id, Account: acct.Path(), SubscriptionID: acct.SubscriptionID,
		Type: kind, ObjectID: objectID, ApplyScope: scope, UserData: userData,
		CreatedAt: now, LastUpdateAt: now, ExpiresAt: now.Add(s.ttl()),
		Persons: sum.Persons, Faces: sum.Faces, Size: sum.Size, SHA256: sum.SHA256,
	}
}

func checkObjectID(id string) error {
	if !facesnap.ValidID(id) {
		return facesnap.Invalidf("Invalid objectId: it must match ^[a-z0-9-_]+$ and be at most %d characters.", facesnap.MaxIDLength)
	}
	return nil
}

func checkUserData(userData string) error {
	if utf8.RuneCountInString(userData) > facesnap.MaxUserDataLength {
		return facesnap.Invalidf("userData is too long: at most %d characters.", facesnap.MaxUserDataLength)
	}
	return facesnap.CheckString("userData", userData)
}

func (s *Service) expired(snap *facesnap.Snapshot) bool {
	return !snap.ExpiresAt.IsZero() && !s.now().Before(snap.ExpiresAt)
}

// normalizeScope checks an applyScope: one or more subscription uuids,
// kept lowercase and without duplicates so comparisons are exact.
func normalizeScope(scope []string) ([]string, error) {
	if len(scope) == 0 {
		return nil, facesnap.Invalidf("applyScope is required: list the subscription ids that may apply the snapshot.")
	}
	if len(scope) > maxApplyScope {
		return nil, facesnap.Invalidf("applyScope has too many subscriptions: at most %d.", maxApplyScope)
	}
	return normalizeFilter(scope)
}

func normalizeFilter(scope []string) ([]string, error) {
	out := make([]string, 0, len(scope))
	for _, sub := range scope {
		u, err := uuid.Parse(strings.TrimSpace(sub))
		if err != nil {
			return nil, facesnap.Invalidf("Invalid subscription id %q in applyScope: it must be a uuid.", sub)
		}
		if id := u.String(); !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}
