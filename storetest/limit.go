package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"facesnap"
)

// exerciseLimit checks that limits hold when writers race for the last
// places: a store that checks a count and then inserts, without holding
// what it counted, lets two writers both see room for one.
func exerciseLimit(t *testing.T, newStore func(*testing.T) facesnap.Store) {
	t.Run("Concurrent", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		group := b.collection(t, facesnap.KindPersonGroup, "group").CollectionRef
		list := b.collection(t, facesnap.KindLargeFaceList, "list").CollectionRef
		person := b.person(t, group, 1)
		const workers, tries = 4, 8
		const maxLists, maxPersons, maxFaces, maxPersonFaces = 3, 5, 11, 4
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for n := range tries {
					id := w*tries + n
					for _, err := range []error{
						b.store.CollectionCreate(b.ctx, facesnap.CollectionCreateParams{
							Collection:    facesnap.Collection{CollectionRef: b.ref(facesnap.KindFaceList, fmt.Sprintf("list-%d", id)), CreatedAt: at(0)},
							MaxPerAccount: maxLists,
						}),
						b.store.PersonCreate(b.ctx, facesnap.PersonCreateParams{
							Ref: group, Person: facesnap.Person{ID: uuid(100 + id)}, MaxPersons: maxPersons,
						}),
						b.store.FaceAdd(b.ctx, facesnap.FaceAddParams{Ref: list, Face: newFace("", id), MaxFaces: maxFaces}),
						b.store.FaceAdd(b.ctx, facesnap.FaceAddParams{Ref: group, Face: newFace(person.ID, 100+id), MaxFaces: maxPersonFaces}),
					} {
						if err != nil && !errors.Is(err, facesnap.ErrQuota) {
							t.Errorf("worker %d: %v", w, err)
						}
					}
				}
			})
		}
		wg.Wait()

		lists, err := b.store.CollectionList(b.ctx, facesnap.CollectionListParams{Account: b.account.Name, Kind: facesnap.KindFaceList})
		noError(t, err)
		equal(t, len(lists), maxLists)
		groupStats, err := b.store.CollectionStats(b.ctx, group)
		noError(t, err)
		// The person created first, plus those that found room.
		equal(t, groupStats, facesnap.CollectionStats{Persons: maxPersons, Faces: maxPersonFaces, MaxSeq: maxPersonFaces})
		p, err := b.store.PersonGet(b.ctx, group, person.ID)
		noError(t, err)
		equal(t, len(p.FaceIDs), maxPersonFaces)
		listStats, err := b.store.CollectionStats(b.ctx, list)
		noError(t, err)
		equal(t, listStats, facesnap.CollectionStats{Faces: maxFaces, MaxSeq: maxFaces})
		faces, err := b.store.FaceList(b.ctx, facesnap.FaceListParams{Ref: list})
		noError(t, err)
		equal(t, len(faces), maxFaces)
	})
}
