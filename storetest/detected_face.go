package storetest

import (
	"fmt"
	"testing"

	"facesnap"
)

// detectedFace returns detected face n of account, detected at(n) and
// expiring at(100+n).
func detectedFace(account string, n int) facesnap.DetectedFace {
	feature := make([]float32, 128)
	for i := range feature {
		feature[i] = float32(n) + float32(i)/256
	}
	return facesnap.DetectedFace{
		ID:               uuid(5000 + n),
		Account:          account,
		Rect:             facesnap.Rect{Left: n, Top: 2 * n, Width: 100 + n, Height: 120 + n},
		DetectionModel:   "detection_01",
		RecognitionModel: fmt.Sprintf("recognition_0%d", 1+n%4),
		Feature:          feature,
		CreatedAt:        at(n),
		ExpiresAt:        at(100 + n),
	}
}

func exerciseDetectedFace(t *testing.T, newStore func(*testing.T) facesnap.Store) {
	t.Run("DetectedFaceCreate", func(t *testing.T) {
		t.Parallel()
		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			faces := []facesnap.DetectedFace{detectedFace(b.account.Name, 1), detectedFace(b.account.Name, 2)}
			noError(t, b.store.DetectedFaceCreate(b.ctx, faces))
			for _, want := range faces {
				got, err := b.store.DetectedFaceGet(b.ctx, b.account.Name, want.ID)
				noError(t, err)
				equal(t, got, want)
			}
		})
		t.Run("None", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			noError(t, b.store.DetectedFaceCreate(b.ctx, nil))
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			err := b.store.DetectedFaceCreate(b.ctx, []facesnap.DetectedFace{detectedFace("nobody", 1)})
			notFound(t, err, facesnap.ObjectAccount)
		})
		t.Run("ErrExistsLeavesNothing", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			first := detectedFace(b.account.Name, 1)
			noError(t, b.store.DetectedFaceCreate(b.ctx, []facesnap.DetectedFace{first}))
			// All or none: the new face before the duplicate is not kept.
			err := b.store.DetectedFaceCreate(b.ctx, []facesnap.DetectedFace{detectedFace(b.account.Name, 2), first})
			exists(t, err, facesnap.ObjectFace)
			_, err = b.store.DetectedFaceGet(b.ctx, b.account.Name, detectedFace(b.account.Name, 2).ID)
			notFound(t, err, facesnap.ObjectFace)
		})
	})

	t.Run("DetectedFaceGet", func(t *testing.T) {
		t.Parallel()
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			_, err := b.store.DetectedFaceGet(b.ctx, b.account.Name, uuid(1))
			notFound(t, err, facesnap.ObjectFace)
		})
		t.Run("OtherAccount", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			other := account("other")
			noError(t, b.store.AccountCreate(b.ctx, other))
			f := detectedFace(other.Name, 1)
			noError(t, b.store.DetectedFaceCreate(b.ctx, []facesnap.DetectedFace{f}))
			_, err := b.store.DetectedFaceGet(b.ctx, b.account.Name, f.ID)
			notFound(t, err, facesnap.ObjectFace)
		})
		t.Run("GoneWithAccount", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			f := detectedFace(b.account.Name, 1)
			noError(t, b.store.DetectedFaceCreate(b.ctx, []facesnap.DetectedFace{f}))
			noError(t, b.store.AccountDelete(b.ctx, b.account.Name))
			noError(t, b.store.AccountCreate(b.ctx, b.account))
			_, err := b.store.DetectedFaceGet(b.ctx, b.account.Name, f.ID)
			notFound(t, err, facesnap.ObjectFace)
		})
	})

	t.Run("DetectedFacePurge", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		faces := []facesnap.DetectedFace{detectedFace(b.account.Name, 1), detectedFace(b.account.Name, 2), detectedFace(b.account.Name, 3)}
		noError(t, b.store.DetectedFaceCreate(b.ctx, faces))
		// Strictly before: the face expiring at the bound stays.
		n, err := b.store.DetectedFacePurge(b.ctx, faces[1].ExpiresAt)
		noError(t, err)
		equal(t, n, int64(1))
		_, err = b.store.DetectedFaceGet(b.ctx, b.account.Name, faces[0].ID)
		notFound(t, err, facesnap.ObjectFace)
		for _, f := range faces[1:] {
			_, err := b.store.DetectedFaceGet(b.ctx, b.account.Name, f.ID)
			noError(t, err)
		}
		n, err = b.store.DetectedFacePurge(b.ctx, faces[1].ExpiresAt)
		noError(t, err)
		equal(t, n, int64(0))
	})
}
