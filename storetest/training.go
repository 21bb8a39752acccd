package storetest

import (
	"testing"

	"facesnap"
)

func exerciseTraining(t *testing.T, newStore func(*testing.T) facesnap.Store) {
	t.Run("TrainingGet", func(t *testing.T) {
		t.Parallel()
		t.Run("NeverTrained", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindLargeFaceList, "list")
			got, err := b.store.TrainingGet(b.ctx, c.CollectionRef)
			noError(t, err)
			// The zero Training: the caller tells "never trained" by the
			// empty Status.
			equal(t, got, facesnap.Training{})
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			_, err := b.store.TrainingGet(b.ctx, b.ref(facesnap.KindPersonGroup, "missing"))
			notFound(t, err, facesnap.ObjectPersonGroup)
		})
	})

	t.Run("TrainingSet", func(t *testing.T) {
		t.Parallel()
		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindPersonGroup, "group")
			for _, want := range []facesnap.Training{
				{Status: facesnap.TrainingRunning, CreatedAt: at(1)},
				{Status: facesnap.TrainingSucceeded, CreatedAt: at(1), LastActionAt: at(2), LastSuccessAt: at(2), TrainedSeq: 7},
				{Status: facesnap.TrainingFailed, CreatedAt: at(3), LastActionAt: at(4), LastSuccessAt: at(2), Message: "no faces", TrainedSeq: 7},
			} {
				noError(t, b.store.TrainingSet(b.ctx, c.CollectionRef, want))
				got, err := b.store.TrainingGet(b.ctx, c.CollectionRef)
				noError(t, err)
				equal(t, got, want)
			}
			// Training is the collection's own.
			other := b.collection(t, facesnap.KindPersonGroup, "other")
			got, err := b.store.TrainingGet(b.ctx, other.CollectionRef)
			noError(t, err)
			equal(t, got, facesnap.Training{})
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			err := b.store.TrainingSet(b.ctx, b.ref(facesnap.KindLargePersonGroup, "missing"), facesnap.Training{Status: facesnap.TrainingRunning})
			notFound(t, err, facesnap.ObjectLargePersonGroup)
		})
	})
}
