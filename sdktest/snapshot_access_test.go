package sdktest

import (
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/Azure/azure-sdk-for-go/services/cognitiveservices/v1.0/face"
	"github.com/Azure/go-autorest/autorest"
	"github.com/gofrs/uuid"

	"facesnap/sdktest/harness"
)

// snapshotIDs lists the snapshots c sees with the given filters.
func snapshotIDs(t *testing.T, c clients, typ face.SnapshotObjectType, scope []uuid.UUID) []uuid.UUID {
	t.Helper()
	l, err := c.Snapshot.List(ctxFor(t), typ, scope)
	must(t, err, "list snapshots")
	if l.Value == nil {
		t.Fatalf("list snapshots: no array")
	}
	var out []uuid.UUID
	for _, s := range *l.Value {
		out = append(out, *s.ID)
	}
	return out
}

// expectListed checks which of the given snapshots a list shows.
func expectListed(t *testing.T, what string, got []uuid.UUID, want []uuid.UUID, notWant ...uuid.UUID) {
	t.Helper()
	for _, id := range want {
		if !slices.Contains(got, id) {
			t.Errorf("%s: list %v lacks %s", what, got, id)
		}
	}
	for _, id := range notWant {
		if slices.Contains(got, id) {
			t.Errorf("%s: list %v shows %s", what, got, id)
		}
	}
}

// TestSnapshot_Access: the source and scope accounts see a snapshot, any
// other account gets 404 for everything; only the source updates or
// deletes it; only scope accounts apply it; an operation is visible only to
// the account that started it; List filters by type and applyScope.
func TestSnapshot_Access(t *testing.T) {
	t.Parallel()
	sb := setupSnap(t, harness.Options{})
	ctx := ctxFor(t)
	pg := snapKindOf(face.SnapshotObjectTypePersonGroup)
	fl := snapKindOf(face.SnapshotObjectTypeFaceList)
	pg.build(t, ctx, sb.A, "access", 300)
	fl.build(t, ctx, sb.A, "access", 310)
	other := uuid.Must(uuid.NewV4()) // a subscription no server knows

	takeOp := takeSnapshot(t, ctx, sb.A, pg.typ, "access", []uuid.UUID{subOf(sb.b)}, "first")
	loc := expectSucceeded(t, waitOperation(t, ctx, sb.A, takeOp), "take")
	snapID := uuid.Must(uuid.FromString(snapshotPath.FindStringSubmatch(loc)[1]))
	second := takeAndWait(t, ctx, sb.A, fl.typ, "access", []uuid.UUID{subOf(sb.b), other}, "second")

	t.Run("Get", func(t *testing.T) {
		for name, c := range map[string]clients{"source A": sb.A, "scope B": sb.B} {
			s, err := c.Snapshot.Get(ctx, snapID)
			must(t, err, name+" gets the snapshot")
			if s.ID == nil || *s.ID != snapID {
				t.Errorf("%s: got snapshot %v, want %s", name, s.ID, snapID)
			}
		}
		_, err := sb.C.Snapshot.Get(ctx, snapID)
		expectAPIError(t, err, "C (outside the scope) gets it", http.StatusNotFound, "SnapshotNotFound")
		_, err = sb.A.Snapshot.Get(ctx, uuid.Must(uuid.NewV4()))
		expectAPIError(t, err, "get an unknown snapshot", http.StatusNotFound, "SnapshotNotFound")
	})

	t.Run("OutsiderGets404", func(t *testing.T) {
		_, err := sb.C.Snapshot.Apply(ctx, snapID, face.ApplySnapshotRequest{ObjectID: ptr("stolen")})
		expectAPIError(t, err, "C applies", http.StatusNotFound, "SnapshotNotFound")
		_, err = sb.C.Snapshot.Update(ctx, snapID, face.UpdateSnapshotRequest{UserData: ptr("C was here")})
		expectAPIError(t, err, "C updates", http.StatusNotFound, "SnapshotNotFound")
		_, err = sb.C.Snapshot.Delete(ctx, snapID)
		expectAPIError(t, err, "C deletes", http.StatusNotFound, "SnapshotNotFound")
		if pg.exists(t, ctx, sb.C, "stolen") {
			t.Errorf("C's refused apply created its target")
		}
		expectListed(t, "C's list", snapshotIDs(t, sb.C, "", nil), nil, snapID, second)
	})

	t.Run("OnlySourceUpdatesOrDeletes", func(t *testing.T) {
		_, err := sb.B.Snapshot.Update(ctx, snapID, face.UpdateSnapshotRequest{UserData: ptr("B was here")})
		expectAPIError(t, err, "scope member B updates", http.StatusNotFound, "SnapshotNotFound")
		_, err = sb.B.Snapshot.Delete(ctx, snapID)
		expectAPIError(t, err, "scope member B deletes", http.StatusNotFound, "SnapshotNotFound")
		s, err := sb.A.Snapshot.Get(ctx, snapID)
		must(t, err, "A gets the snapshot after B's refused moves")
		if deref(s.UserData) != "first" {
			t.Errorf("userData after B's refused update = %s, want first", deref(s.UserData))
		}
	})

	t.Run("SourceOutsideScopeCannotApply", func(t *testing.T) {
		r, err := sb.A.Snapshot.Apply(ctx, snapID, face.ApplySnapshotRequest{ObjectID: ptr("self-apply")})
		refusedOrFailed(t, sb.A, r, err, "A, not in its own applyScope, applies")
		if pg.exists(t, ctx, sb.A, "self-apply") {
			t.Errorf("A's refused apply created its target")
		}
	})

	t.Run("OperationsArePrivate", func(t *testing.T) {
		if _, err := sb.A.Snapshot.GetOperationStatus(ctx, takeOp); err != nil {
			t.Errorf("A reads its own take operation: %s", describe(err))
		}
		_, err := sb.B.Snapshot.GetOperationStatus(ctx, takeOp)
		expectAPIError(t, err, "B reads A's take operation", http.StatusNotFound, "OperationNotFound")
		_, err = sb.C.Snapshot.GetOperationStatus(ctx, takeOp)
		expectAPIError(t, err, "C reads A's take operation", http.StatusNotFound, "OperationNotFound")
		applyOp := applySnapshot(t, ctx, sb.B, snapID, "private-apply")
		expectSucceeded(t, waitOperation(t, ctx, sb.B, applyOp), "B's apply")
		_, err = sb.A.Snapshot.GetOperationStatus(ctx, applyOp)
		expectAPIError(t, err, "A reads B's apply operation", http.StatusNotFound, "OperationNotFound")
		_, err = sb.C.Snapshot.GetOperationStatus(ctx, applyOp)
		expectAPIError(t, err, "C reads B's apply operation", http.StatusNotFound, "OperationNotFound")
		_, err = sb.A.Snapshot.GetOperationStatus(ctx, uuid.Must(uuid.NewV4()))
		expectAPIError(t, err, "read an unknown operation", http.StatusNotFound, "OperationNotFound")
	})

	t.Run("ListFilters", func(t *testing.T) {
		expectListed(t, "A's list", snapshotIDs(t, sb.A, "", nil), []uuid.UUID{snapID, second})
		expectListed(t, "B's list", snapshotIDs(t, sb.B, "", nil), []uuid.UUID{snapID, second})
		expectListed(t, "A's list type=PersonGroup", snapshotIDs(t, sb.A, face.SnapshotObjectTypePersonGroup, nil), []uuid.UUID{snapID}, second)
		expectListed(t, "A's list type=FaceList", snapshotIDs(t, sb.A, face.SnapshotObjectTypeFaceList, nil), []uuid.UUID{second}, snapID)
		expectListed(t, "B's list type=FaceList", snapshotIDs(t, sb.B, face.SnapshotObjectTypeFaceList, nil), []uuid.UUID{second}, snapID)
		expectListed(t, "A's list type=LargePersonGroup", snapshotIDs(t, sb.A, face.SnapshotObjectTypeLargePersonGroup, nil), nil, snapID, second)
		expectListed(t, "A's list applyScope=other", snapshotIDs(t, sb.A, "", []uuid.UUID{other}), []uuid.UUID{second}, snapID)
		expectListed(t, "A's list applyScope=B", snapshotIDs(t, sb.A, "", []uuid.UUID{subOf(sb.b)}), []uuid.UUID{snapID, second})
		expectListed(t, "A's list applyScope=C", snapshotIDs(t, sb.A, "", []uuid.UUID{subOf(sb.c)}), nil, snapID, second)
		expectListed(t, "A's list applyScope=C,other", snapshotIDs(t, sb.A, "", []uuid.UUID{subOf(sb.c), other}), []uuid.UUID{second}, snapID)
		expectListed(t, "A's list applyScope=other,B", snapshotIDs(t, sb.A, "", []uuid.UUID{other, subOf(sb.b)}), []uuid.UUID{snapID, second})
		expectListed(t, "A's list type=PersonGroup applyScope=other", snapshotIDs(t, sb.A, face.SnapshotObjectTypePersonGroup, []uuid.UUID{other}), nil, snapID, second)
	})

	t.Run("UpdateThenDelete", func(t *testing.T) {
		before, err := sb.A.Snapshot.Get(ctx, snapID)
		must(t, err, "get before update")
		scope := []uuid.UUID{subOf(sb.b), subOf(sb.c)}
		r, err := sb.A.Snapshot.Update(ctx, snapID, face.UpdateSnapshotRequest{ApplyScope: &scope, UserData: ptr("widened")})
		must(t, err, "A updates")
		expectStatus(t, r, "update", http.StatusOK)
		s, err := sb.C.Snapshot.Get(ctx, snapID)
		must(t, err, "C, now in the scope, gets it")
		if deref(s.UserData) != "widened" || s.ApplyScope == nil || !slices.Equal(*s.ApplyScope, scope) {
			t.Errorf("after update: userData %s applyScope %v, want widened %v", deref(s.UserData), s.ApplyScope, scope)
		}
		if s.CreatedTime == nil || !s.CreatedTime.Equal(before.CreatedTime.Time) {
			t.Errorf("update changed createdTime from %v to %v", before.CreatedTime, s.CreatedTime)
		}
		if s.LastUpdateTime == nil || s.LastUpdateTime.Before(before.LastUpdateTime.Time) {
			t.Errorf("lastUpdateTime went from %v to %v", before.LastUpdateTime, s.LastUpdateTime)
		}
		applyAndWait(t, ctx, sb.C, pg, snapID, "now-allowed")
		// Only userData: applyScope stays.
		_, err = sb.A.Snapshot.Update(ctx, snapID, face.UpdateSnapshotRequest{UserData: ptr("again")})
		must(t, err, "A updates userData only")
		s, err = sb.B.Snapshot.Get(ctx, snapID)
		must(t, err, "B gets it")
		if deref(s.UserData) != "again" || s.ApplyScope == nil || !slices.Equal(*s.ApplyScope, scope) {
			t.Errorf("after userData-only update: userData %s applyScope %v, want again %v", deref(s.UserData), s.ApplyScope, scope)
		}

		r, err = sb.A.Snapshot.Delete(ctx, snapID)
		must(t, err, "A deletes")
		expectStatus(t, r, "delete", http.StatusOK)
		for name, c := range map[string]clients{"A": sb.A, "B": sb.B, "C": sb.C} {
			_, err = c.Snapshot.Get(ctx, snapID)
			expectAPIError(t, err, name+" gets the deleted snapshot", http.StatusNotFound, "SnapshotNotFound")
		}
		_, err = sb.B.Snapshot.Apply(ctx, snapID, face.ApplySnapshotRequest{ObjectID: ptr("too-late")})
		expectAPIError(t, err, "B applies the deleted snapshot", http.StatusNotFound, "SnapshotNotFound")
		_, err = sb.A.Snapshot.Delete(ctx, snapID)
		expectAPIError(t, err, "A deletes it twice", http.StatusNotFound, "SnapshotNotFound")
		expectListed(t, "A's list after delete", snapshotIDs(t, sb.A, "", nil), []uuid.UUID{second}, snapID)
		// What was applied from it stays.
		if !pg.exists(t, ctx, sb.C, "now-allowed") {
			t.Errorf("deleting the snapshot removed C's applied copy")
		}
	})
}

// refusedOrFailed accepts the two ways an apply may be refused: an API
// error (4xx with code and message), or 202 with an operation that fails
// with a message.
func refusedOrFailed(t *testing.T, c clients, r autorest.Response, err error, what string) {
	t.Helper()
	if err != nil {
		var de autorest.DetailedError
		status := 0
		if errors.As(err, &de) {
			status, _ = de.StatusCode.(int)
		}
		if status < 400 || status >= 500 {
			t.Errorf("%s: %s, want a 4xx refusal", what, describe(err))
			return
		}
		expectAPIError(t, err, what, status)
		return
	}
	op := acceptedOperation(t, r, nil, what)
	expectFailed(t, waitOperation(t, ctxFor(t), c, op), what)
}
