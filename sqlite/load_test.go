package sqlite_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"facesnap"
)

// TestCollectionLoadChunks loads batches larger than one multi-row
// INSERT: every row arrives whole (features, NULL features, persons),
// and a bad row in the middle of a chunk is named in the error and
// leaves nothing of its batch.
func TestCollectionLoadChunks(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := open(t, filepath.Join(t.TempDir(), "facesnap.db"))
	defer db.Close()
	must(t, db.AccountCreate(ctx, facesnap.Account{Name: "acme"}))
	ref := facesnap.CollectionRef{Account: "acme", Kind: facesnap.KindLargePersonGroup, ID: "g"}
	must(t, db.CollectionReserve(ctx, facesnap.CollectionReserveParams{Collection: facesnap.Collection{CollectionRef: ref}, Owner: "o"}))

	const persons, perPerson = 150, 3 // 2 chunks and a rest of persons, 7 chunks and a rest of faces
	load := facesnap.CollectionLoadParams{Ref: ref, Owner: "o"}
	for p := range persons {
		id := fmt.Sprintf("p%04d", p)
		load.Persons = append(load.Persons, facesnap.Person{ID: id, Name: "n" + id, UserData: "u" + id})
	}
	seq := int64(0)
	for p := range persons {
		for range perPerson {
			seq++
			f := facesnap.Face{ID: fmt.Sprintf("f%05d", seq), PersonID: load.Persons[p].ID, UserData: "d",
				Rect: facesnap.Rect{Left: int(seq), Top: 2, Width: 3, Height: 4}, DetectionModel: "detection_03", Seq: seq}
			if seq%5 != 0 {
				f.Feature = []float32{float32(seq), 1.5, -2}
			}
			load.Faces = append(load.Faces, f)
		}
	}

	bad := load
	bad.Persons = slices.Clone(load.Persons)
	bad.Persons[100].ID = bad.Persons[99].ID // a duplicate inside the second chunk
	if err := db.CollectionLoad(ctx, bad); !errors.Is(err, facesnap.ErrExists) {
		t.Fatalf("duplicate person: %v", err)
	}
	bad = load
	bad.Faces = slices.Clone(load.Faces)
	bad.Faces[200].PersonID = "nobody" // inside the fourth chunk
	var nf *facesnap.NotFoundError
	if err := db.CollectionLoad(ctx, bad); !errors.As(err, &nf) || nf.Object != facesnap.ObjectPerson {
		t.Fatalf("face of a missing person: %v", err)
	}

	must(t, db.CollectionLoad(ctx, load))
	must(t, db.CollectionPublish(ctx, facesnap.CollectionPublishParams{Ref: ref, Owner: "o"}))
	st, err := db.CollectionStats(ctx, ref)
	must(t, err)
	if st.Persons != persons || st.Faces != persons*perPerson || st.MaxSeq != seq {
		t.Fatalf("stats %+v after failed batches and one good one", st)
	}
	for _, want := range load.Faces {
		got, err := db.FaceGet(ctx, ref, want.PersonID, want.ID)
		must(t, err)
		if got.UserData != want.UserData || got.Rect != want.Rect || got.Seq != want.Seq || !slices.Equal(got.Feature, want.Feature) ||
			(got.Feature == nil) != (want.Feature == nil) {
			t.Fatalf("face %s: got %+v, want %+v", want.ID, got, want)
		}
	}
	p, err := db.PersonGet(ctx, ref, "p0149")
	must(t, err)
	if p.Name != "np0149" || p.UserData != "up0149" || len(p.FaceIDs) != perPerson {
		t.Fatalf("person %+v", p)
	}
}
