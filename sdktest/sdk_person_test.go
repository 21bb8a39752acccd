package sdktest

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/services/cognitiveservices/v1.0/face"
	"github.com/Azure/go-autorest/autorest"
	"github.com/gofrs/uuid"
)

// personKind adapts PersonGroupPerson and LargePersonGroupPerson.
type personKind struct {
	group  kind
	create func(ctx context.Context, c clients, gid string, b face.NameAndUserDataContract) (face.Person, error)
	get    func(ctx context.Context, c clients, gid string, pid uuid.UUID) (face.Person, error)
	list   func(ctx context.Context, c clients, gid, start string, top *int32) (face.ListPerson, error)
	update func(ctx context.Context, c clients, gid string, pid uuid.UUID, b face.NameAndUserDataContract) (autorest.Response, error)
	del    func(ctx context.Context, c clients, gid string, pid uuid.UUID) (autorest.Response, error)
}

var personKinds = []personKind{
	{
		group: kinds[2],
		create: func(ctx context.Context, c clients, gid string, b face.NameAndUserDataContract) (face.Person, error) {
			return c.PersonGroupPerson.Create(ctx, gid, b)
		},
		get: func(ctx context.Context, c clients, gid string, pid uuid.UUID) (face.Person, error) {
			return c.PersonGroupPerson.Get(ctx, gid, pid)
		},
		list: func(ctx context.Context, c clients, gid, start string, top *int32) (face.ListPerson, error) {
			return c.PersonGroupPerson.List(ctx, gid, start, top)
		},
		update: func(ctx context.Context, c clients, gid string, pid uuid.UUID, b face.NameAndUserDataContract) (autorest.Response, error) {
			return c.PersonGroupPerson.Update(ctx, gid, pid, b)
		},
		del: func(ctx context.Context, c clients, gid string, pid uuid.UUID) (autorest.Response, error) {
			return c.PersonGroupPerson.Delete(ctx, gid, pid)
		},
	},
	{
		group: kinds[3],
		create: func(ctx context.Context, c clients, gid string, b face.NameAndUserDataContract) (face.Person, error) {
			return c.LargePersonGroupPerson.Create(ctx, gid, b)
		},
		get: func(ctx context.Context, c clients, gid string, pid uuid.UUID) (face.Person, error) {
			return c.LargePersonGroupPerson.Get(ctx, gid, pid)
		},
		list: func(ctx context.Context, c clients, gid, start string, top *int32) (face.ListPerson, error) {
			return c.LargePersonGroupPerson.List(ctx, gid, start, top)
		},
		update: func(ctx context.Context, c clients, gid string, pid uuid.UUID, b face.NameAndUserDataContract) (autorest.Response, error) {
			return c.LargePersonGroupPerson.Update(ctx, gid, pid, b)
		},
		del: func(ctx context.Context, c clients, gid string, pid uuid.UUID) (autorest.Response, error) {
			return c.LargePersonGroupPerson.Delete(ctx, gid, pid)
		},
	},
}

func personIDs(l face.ListPerson) []string {
	if l.Value == nil {
		return nil
	}
	out := make([]string, len(*l.Value))
	for i, p := range *l.Value {
		if p.PersonID != nil {
			out[i] = p.PersonID.String()
		}
	}
	return out
}

func TestPersons_Lifecycle(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for _, pk := range personKinds {
		t.Run(pk.group.name, func(t *testing.T) {
			ctx := ctxFor(t)
			c := tb.A
			gid := "people"
			_, err := pk.group.create(ctx, c, gid, face.MetaDataContract{Name: ptr("people")})
			must(t, err, "create group")

			p, err := pk.create(ctx, c, gid, face.NameAndUserDataContract{Name: ptr("Ada"), UserData: ptr("first")})
			must(t, err, "create person")
			if p.PersonID == nil || *p.PersonID == uuid.Nil {
				t.Fatalf("create person returned no personId: %+v", p)
			}
			if p.Response.StatusCode != http.StatusOK {
				t.Errorf("create person: HTTP %d, want 200", p.Response.StatusCode)
			}
			if v := p.PersonID.Version(); v != 4 {
				t.Logf("personId %s is uuid version %d", p.PersonID, v)
			}
			pid := *p.PersonID

			got, err := pk.get(ctx, c, gid, pid)
			must(t, err, "get person")
			if deref(got.Name) != "Ada" || deref(got.UserData) != "first" || got.PersonID == nil || *got.PersonID != pid {
				t.Errorf("get person = id %v name %s userData %s, want %s Ada first", got.PersonID, deref(got.Name), deref(got.UserData), pid)
			}
			if got.PersistedFaceIds == nil || len(*got.PersistedFaceIds) != 0 {
				t.Errorf("new person persistedFaceIds = %v, want []", got.PersistedFaceIds)
			}

			// PATCH leaves omitted fields.
			_, err = pk.update(ctx, c, gid, pid, face.NameAndUserDataContract{UserData: ptr("second")})
			must(t, err, "update person userData")
			got, err = pk.get(ctx, c, gid, pid)
			must(t, err, "get person after update")
			if deref(got.Name) != "Ada" || deref(got.UserData) != "second" {
				t.Errorf("after PATCH {userData}: name %s userData %s, want Ada second", deref(got.Name), deref(got.UserData))
			}
			r, err := pk.update(ctx, c, gid, pid, face.NameAndUserDataContract{Name: ptr("Ada L.")})
			must(t, err, "update person name")
			expectStatus(t, r, "update person", http.StatusOK)
			got, err = pk.get(ctx, c, gid, pid)
			must(t, err, "get person after name update")
			if deref(got.Name) != "Ada L." || deref(got.UserData) != "second" {
				t.Errorf("after PATCH {name}: name %s userData %s, want Ada L. second", deref(got.Name), deref(got.UserData))
			}

			// A person with only a name.
			q, err := pk.create(ctx, c, gid, face.NameAndUserDataContract{Name: ptr("Grace")})
			must(t, err, "create second person")

			l, err := pk.list(ctx, c, gid, "", nil)
			must(t, err, "list persons")
			want := []string{pid.String(), q.PersonID.String()}
			slices.Sort(want)
			if !slices.Equal(personIDs(l), want) {
				t.Errorf("list persons = %v, want %v (sorted by personId)", personIDs(l), want)
			}
			for _, p := range *l.Value {
				if p.PersistedFaceIds == nil {
					t.Errorf("listed person %s has no persistedFaceIds array", p.PersonID)
				}
			}

			r, err = pk.del(ctx, c, gid, pid)
			must(t, err, "delete person")
			expectStatus(t, r, "delete person", http.StatusOK)
			_, err = pk.get(ctx, c, gid, pid)
			expectAPIError(t, err, "get deleted person", http.StatusNotFound, "PersonNotFound")
			_, err = pk.update(ctx, c, gid, pid, face.NameAndUserDataContract{Name: ptr("x")})
			expectAPIError(t, err, "update deleted person", http.StatusNotFound, "PersonNotFound")
			_, err = pk.del(ctx, c, gid, pid)
			expectAPIError(t, err, "delete deleted person", http.StatusNotFound, "PersonNotFound")
			l, err = pk.list(ctx, c, gid, "", nil)
			must(t, err, "list after delete")
			if !slices.Equal(personIDs(l), []string{q.PersonID.String()}) {
				t.Errorf("list after delete = %v, want [%s]", personIDs(l), q.PersonID)
			}

			// A never-created person id and a missing group.
			_, err = pk.get(ctx, c, gid, uuid.Must(uuid.NewV4()))
			expectAPIError(t, err, "get unknown person", http.StatusNotFound, "PersonNotFound")
			_, err = pk.create(ctx, c, "no-such-group", face.NameAndUserDataContract{Name: ptr("x")})
			expectAPIError(t, err, "create person in missing group", http.StatusNotFound, pk.group.notFound)
			_, err = pk.list(ctx, c, "no-such-group", "", nil)
			expectAPIError(t, err, "list persons of missing group", http.StatusNotFound, pk.group.notFound)
			_, err = pk.get(ctx, c, "no-such-group", *q.PersonID)
			expectAPIError(t, err, "get person of missing group", http.StatusNotFound, pk.group.notFound)

			// Deleting the group takes its persons with it.
			_, err = pk.group.del(ctx, c, gid)
			must(t, err, "delete group")
			_, err = pk.group.create(ctx, c, gid, face.MetaDataContract{Name: ptr("people again")})
			must(t, err, "recreate group")
			_, err = pk.get(ctx, c, gid, *q.PersonID)
			expectAPIError(t, err, "person of a deleted then recreated group", http.StatusNotFound, "PersonNotFound")
			l, err = pk.list(ctx, c, gid, "", nil)
			must(t, err, "list recreated group")
			if len(personIDs(l)) != 0 {
				t.Errorf("recreated group lists %v, want no persons", personIDs(l))
			}
		})
	}
}

func TestPersons_ListPaging(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for _, pk := range personKinds {
		t.Run(pk.group.name, func(t *testing.T) {
			ctx := ctxFor(t)
			gid := "paging"
			_, err := pk.group.create(ctx, tb.A, gid, face.MetaDataContract{Name: ptr(gid)})
			must(t, err, "create group")
			var all []string
			for i := 0; i < 7; i++ {
				p, err := pk.create(ctx, tb.A, gid, face.NameAndUserDataContract{Name: ptr("p" + strings.Repeat("x", i))})
				must(t, err, "create person")
				all = append(all, p.PersonID.String())
			}
			slices.Sort(all)

			l, err := pk.list(ctx, tb.A, gid, "", ptr[int32](3))
			must(t, err, "list top=3")
			if !slices.Equal(personIDs(l), all[:3]) {
				t.Errorf("top=3: %v, want %v", personIDs(l), all[:3])
			}
			// Walk the pages as a client does: start = last id seen.
			var walked []string
			start := ""
			for page := 0; page < 10; page++ {
				l, err := pk.list(ctx, tb.A, gid, start, ptr[int32](3))
				must(t, err, "list page")
				got := personIDs(l)
				walked = append(walked, got...)
				if len(got) < 3 {
					break
				}
				start = got[len(got)-1]
			}
			if !slices.Equal(walked, all) {
				t.Errorf("paged walk = %v, want %v", walked, all)
			}
			l, err = pk.list(ctx, tb.A, gid, all[3], nil)
			must(t, err, "list start=4th")
			if !slices.Equal(personIDs(l), all[4:]) {
				t.Errorf("start=%s: %v, want %v", all[3], personIDs(l), all[4:])
			}
		})
	}
}
