package sdktest

import (
	"net/http"
	"slices"
	"testing"

	"github.com/Azure/azure-sdk-for-go/services/cognitiveservices/v1.0/face"
	"github.com/gofrs/uuid"

	"facesnap/sdktest/harness"
)

// TestIsolation: account B never sees, changes or deletes account A's
// objects, and gets 404 (not 403) for them, exactly as for a missing one.
func TestIsolation(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	img := harness.PNG(t, 200, 200, 60)
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			ctx := ctxFor(t)
			id := "iso-" + lower(k.name)
			_, err := k.create(ctx, tb.A, id, face.MetaDataContract{Name: ptr("A's"), UserData: ptr("A")})
			must(t, err, "A creates")

			_, err = k.get(ctx, tb.B, id, false)
			expectAPIError(t, err, "B gets A's", http.StatusNotFound, k.notFound)
			_, err = k.update(ctx, tb.B, id, face.NameAndUserDataContract{Name: ptr("B was here")})
			expectAPIError(t, err, "B updates A's", http.StatusNotFound, k.notFound)
			_, err = k.del(ctx, tb.B, id)
			expectAPIError(t, err, "B deletes A's", http.StatusNotFound, k.notFound)
			l, err := k.list(ctx, tb.B, "", nil, false)
			must(t, err, "B lists")
			if slices.Contains(ids(l), id) {
				t.Errorf("B's list shows A's %s", id)
			}

			// B may use the same id for its own object.
			_, err = k.create(ctx, tb.B, id, face.MetaDataContract{Name: ptr("B's")})
			must(t, err, "B creates the same id")
			got, err := k.get(ctx, tb.A, id, false)
			must(t, err, "A gets its own")
			if got.Name != "A's" || got.UserData != "A" {
				t.Errorf("A's object changed after B's moves: %+v", got)
			}
			_, err = k.del(ctx, tb.B, id)
			must(t, err, "B deletes its own")
			_, err = k.get(ctx, tb.A, id, false)
			must(t, err, "A's survives B's delete")
		})
	}

	t.Run("FacesAndPersons", func(t *testing.T) {
		ctx := ctxFor(t)
		a, b := tb.A, tb.B
		_, err := a.PersonGroup.Create(ctx, "iso-pg", face.MetaDataContract{Name: ptr("pg")})
		must(t, err, "create pg")
		p, err := a.PersonGroupPerson.Create(ctx, "iso-pg", face.NameAndUserDataContract{Name: ptr("p")})
		must(t, err, "create person")
		pid := *p.PersonID
		f, err := a.PersonGroupPerson.AddFaceFromStream(ctx, "iso-pg", pid, rc(img), "", target, "")
		must(t, err, "add face")
		fid := *f.PersistedFaceID

		_, err = b.PersonGroupPerson.Get(ctx, "iso-pg", pid)
		expectAPIError(t, err, "B gets A's person", http.StatusNotFound, "PersonGroupNotFound")
		_, err = b.PersonGroupPerson.List(ctx, "iso-pg", "", nil)
		expectAPIError(t, err, "B lists A's persons", http.StatusNotFound, "PersonGroupNotFound")
		_, err = b.PersonGroupPerson.Create(ctx, "iso-pg", face.NameAndUserDataContract{Name: ptr("intruder")})
		expectAPIError(t, err, "B adds a person to A's group", http.StatusNotFound, "PersonGroupNotFound")
		_, err = b.PersonGroupPerson.AddFaceFromStream(ctx, "iso-pg", pid, rc(img), "", target, "")
		expectAPIError(t, err, "B adds a face to A's person", http.StatusNotFound, "PersonGroupNotFound")
		_, err = b.PersonGroupPerson.GetFace(ctx, "iso-pg", pid, fid)
		expectAPIError(t, err, "B gets A's face", http.StatusNotFound, "PersonGroupNotFound")
		_, err = b.PersonGroupPerson.DeleteFace(ctx, "iso-pg", pid, fid)
		expectAPIError(t, err, "B deletes A's face", http.StatusNotFound, "PersonGroupNotFound")
		_, err = b.PersonGroup.Train(ctx, "iso-pg")
		expectAPIError(t, err, "B trains A's group", http.StatusNotFound, "PersonGroupNotFound")
		_, err = b.PersonGroup.GetTrainingStatus(ctx, "iso-pg")
		expectAPIError(t, err, "B reads A's training", http.StatusNotFound, "PersonGroupNotFound")

		// Even inside B's own group of the same name, A's person id is unknown.
		_, err = b.PersonGroup.Create(ctx, "iso-pg", face.MetaDataContract{Name: ptr("B's pg")})
		must(t, err, "B creates a group with the same id")
		_, err = b.PersonGroupPerson.Get(ctx, "iso-pg", pid)
		expectAPIError(t, err, "B gets A's person id in B's group", http.StatusNotFound, "PersonNotFound")
		_, err = b.PersonGroupPerson.GetFace(ctx, "iso-pg", pid, fid)
		expectAPIError(t, err, "B gets A's face id in B's group", http.StatusNotFound, "PersonNotFound")

		// A's person id is not reachable from another group of A's either.
		_, err = a.PersonGroup.Create(ctx, "iso-pg-2", face.MetaDataContract{Name: ptr("pg2")})
		must(t, err, "A creates a second group")
		_, err = a.PersonGroupPerson.Get(ctx, "iso-pg-2", pid)
		expectAPIError(t, err, "person id under the wrong group", http.StatusNotFound, "PersonNotFound")

		// A face id is not reachable through another person.
		q, err := a.PersonGroupPerson.Create(ctx, "iso-pg", face.NameAndUserDataContract{Name: ptr("q")})
		must(t, err, "create second person")
		_, err = a.PersonGroupPerson.GetFace(ctx, "iso-pg", *q.PersonID, fid)
		expectAPIError(t, err, "face id under the wrong person", http.StatusNotFound, "PersistedFaceNotFound")

		got, err := a.PersonGroupPerson.Get(ctx, "iso-pg", pid)
		must(t, err, "A gets its person")
		if got.PersistedFaceIds == nil || !slices.Equal(*got.PersistedFaceIds, []uuid.UUID{fid}) {
			t.Errorf("A's person faces %v, want [%s]", got.PersistedFaceIds, fid)
		}
	})

	t.Run("LargeFaceListFaces", func(t *testing.T) {
		ctx := ctxFor(t)
		_, err := tb.A.LargeFaceList.Create(ctx, "iso-lfl", face.MetaDataContract{Name: ptr("l")})
		must(t, err, "create")
		f, err := tb.A.LargeFaceList.AddFaceFromStream(ctx, "iso-lfl", rc(img), "", target, "")
		must(t, err, "add face")
		_, err = tb.B.LargeFaceList.ListFaces(ctx, "iso-lfl", "", nil)
		expectAPIError(t, err, "B lists A's faces", http.StatusNotFound, "LargeFaceListNotFound")
		_, err = tb.B.LargeFaceList.GetFace(ctx, "iso-lfl", *f.PersistedFaceID)
		expectAPIError(t, err, "B gets A's face", http.StatusNotFound, "LargeFaceListNotFound")
		_, err = tb.B.LargeFaceList.UpdateFace(ctx, "iso-lfl", *f.PersistedFaceID, face.UpdateFaceRequest{UserData: ptr("x")})
		expectAPIError(t, err, "B updates A's face", http.StatusNotFound, "LargeFaceListNotFound")
	})
}
