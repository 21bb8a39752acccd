package storetest

import (
	"errors"
	"testing"

	"facesnap"
)

func exerciseTx(t *testing.T, newStore func(*testing.T) facesnap.Store) {
	t.Run("InTx", func(t *testing.T) {
		t.Parallel()
		t.Run("Commit", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindPersonGroup, "group")
			err := b.store.InTx(b.ctx, func(tx facesnap.Store) error {
				if err := tx.PersonCreate(b.ctx, facesnap.PersonCreateParams{Ref: c.CollectionRef, Person: facesnap.Person{ID: uuid(1)}}); err != nil {
					return err
				}
				// The transaction reads its own writes.
				if err := tx.FaceAdd(b.ctx, facesnap.FaceAddParams{Ref: c.CollectionRef, Face: newFace(uuid(1), 1)}); err != nil {
					return err
				}
				p, err := tx.PersonGet(b.ctx, c.CollectionRef, uuid(1))
				if err != nil {
					return err
				}
				equal(t, p.FaceIDs, []string{uuid(1001)})
				return tx.OperationCreate(b.ctx, operation(b.account.Name, 1, facesnap.OperationTrain))
			})
			noError(t, err)
			stats, err := b.store.CollectionStats(b.ctx, c.CollectionRef)
			noError(t, err)
			equal(t, stats, facesnap.CollectionStats{Persons: 1, Faces: 1, MaxSeq: 1})
			_, err = b.store.OperationGet(b.ctx, uuid(1))
			noError(t, err)
		})
		t.Run("Rollback", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindPersonGroup, "group")
			errFn := errors.New("fn failed")
			err := b.store.InTx(b.ctx, func(tx facesnap.Store) error {
				noError(t, tx.PersonCreate(b.ctx, facesnap.PersonCreateParams{Ref: c.CollectionRef, Person: facesnap.Person{ID: uuid(1)}}))
				noError(t, tx.CollectionUpdate(b.ctx, facesnap.CollectionUpdateParams{Ref: c.CollectionRef, Name: ptr("renamed")}))
				noError(t, tx.OperationCreate(b.ctx, operation(b.account.Name, 1, facesnap.OperationTrain)))
				return errFn
			})
			errorIs(t, err, errFn)
			got, err := b.store.CollectionGet(b.ctx, c.CollectionRef)
			noError(t, err)
			equal(t, got, c)
			_, err = b.store.PersonGet(b.ctx, c.CollectionRef, uuid(1))
			notFound(t, err, facesnap.ObjectPerson)
			_, err = b.store.OperationGet(b.ctx, uuid(1))
			notFound(t, err, facesnap.ObjectOperation)
		})
		t.Run("FailedMethodLeavesNothing", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindPersonGroup, "group")
			p := b.person(t, c.CollectionRef, 1)
			b.face(t, c.CollectionRef, p.ID, 1)
			err := b.store.InTx(b.ctx, func(tx facesnap.Store) error {
				// The caller handles these errors and goes on: the failed
				// methods must not have changed anything.
				exists(t, tx.PersonCreate(b.ctx, facesnap.PersonCreateParams{Ref: c.CollectionRef, Person: p}), facesnap.ObjectPerson)
				err := tx.FaceAdd(b.ctx, facesnap.FaceAddParams{Ref: c.CollectionRef, Face: newFace(p.ID, 2), MaxFaces: 1})
				errorIs(t, err, facesnap.ErrQuota)
				exists(t, tx.FaceAdd(b.ctx, facesnap.FaceAddParams{Ref: c.CollectionRef, Face: newFace(p.ID, 1)}), facesnap.ObjectPersistedFace)
				return tx.PersonCreate(b.ctx, facesnap.PersonCreateParams{Ref: c.CollectionRef, Person: facesnap.Person{ID: uuid(2)}})
			})
			noError(t, err)
			stats, err := b.store.CollectionStats(b.ctx, c.CollectionRef)
			noError(t, err)
			equal(t, stats, facesnap.CollectionStats{Persons: 2, Faces: 1, MaxSeq: 1})
			equal(t, b.face(t, c.CollectionRef, p.ID, 3).Seq, 2)
		})
		t.Run("Nested", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindPersonGroup, "group")
			errFn := errors.New("fn failed")
			err := b.store.InTx(b.ctx, func(tx facesnap.Store) error {
				noError(t, tx.InTx(b.ctx, func(inner facesnap.Store) error {
					return inner.PersonCreate(b.ctx, facesnap.PersonCreateParams{Ref: c.CollectionRef, Person: facesnap.Person{ID: uuid(1)}})
				}))
				// The outer transaction sees the inner one's write...
				_, err := tx.PersonGet(b.ctx, c.CollectionRef, uuid(1))
				noError(t, err)
				return errFn
			})
			errorIs(t, err, errFn)
			// ...and its failure rolls both back.
			_, err = b.store.PersonGet(b.ctx, c.CollectionRef, uuid(1))
			notFound(t, err, facesnap.ObjectPerson)
		})
	})
}
