package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

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
		t.Run("InTxHoldsTheTraining", func(t *testing.T) {
			// Transactions that each read the training, see it idle and
			// queue it (what a Train does) must not all succeed: the
			// training read in one holds until it ends.
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindPersonGroup, "group")
			errBusy := errors.New("training already queued")
			const n = 4
			errs := make(chan error, n)
			var wg sync.WaitGroup
			for range n {
				wg.Go(func() {
					errs <- b.store.InTx(b.ctx, func(st facesnap.Store) error {
						tr, err := st.TrainingGet(b.ctx, c.CollectionRef)
						if err != nil {
							return err
						}
						if tr.Status == facesnap.TrainingNotStarted {
							return errBusy
						}
						time.Sleep(20 * time.Millisecond) // let the others read
						tr.Status = facesnap.TrainingNotStarted
						return st.TrainingSet(b.ctx, c.CollectionRef, tr)
					})
				})
			}
			wg.Wait()
			close(errs)
			queued := 0
			for err := range errs {
				switch {
				case err == nil:
					queued++
				case !errors.Is(err, errBusy):
					t.Fatalf("InTx: %v", err)
				}
			}
			if queued != 1 {
				t.Fatalf("%d of %d transactions queued the training, want 1", queued, n)
			}
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
