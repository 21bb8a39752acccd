package storetest

import (
	"strings"
	"testing"

	"facesnap"
)

// acceptedStrings are strings the API accepts (facesnap.CheckString and
// the length rules pass them), at the edges where stores differ: every
// store must keep them byte for byte. NUL and invalid UTF-8 are not here:
// the API refuses them, because PostgreSQL's text cannot hold them.
var acceptedStrings = map[string]string{
	"Empty":       "",
	"Controls":    "\x01\x07\t\n\r\x1b\x7f",
	"NonASCII":    "ü ß é 中文 עברית",
	"Astral":      "😀 𝄞 \U0010FFFD",
	"Separators":  "\u2028\u2029\u00a0\ufeff",
	"Replacement": "a\ufffdb",
	"Quotes":      `'"\% _ ;--`,
	"Combining":   "e\u0301\u0308",
}

func exerciseStrings(t *testing.T, newStore func(*testing.T) facesnap.Store) {
	b := setup(t, newStore)
	check := func(what, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s came back %q, want %q", what, got, want)
		}
	}
	group := b.collection(t, facesnap.KindPersonGroup, "group")
	list := b.collection(t, facesnap.KindLargeFaceList, "list")
	n := 0
	for name, s := range acceptedStrings {
		t.Run(name, func(t *testing.T) {
			n++
			c := facesnap.Collection{CollectionRef: b.ref(facesnap.KindFaceList, strings.ToLower(name)),
				Name: "n" + s, UserData: s, RecognitionModel: "recognition_01", CreatedAt: at(0)}
			noError(t, b.store.CollectionCreate(b.ctx, facesnap.CollectionCreateParams{Collection: c}))
			got, err := b.store.CollectionGet(b.ctx, c.CollectionRef)
			noError(t, err)
			check("collection name", got.Name, c.Name)
			check("collection userData", got.UserData, s)

			p := facesnap.Person{ID: uuid(n), Name: "n" + s, UserData: s}
			noError(t, b.store.PersonCreate(b.ctx, facesnap.PersonCreateParams{Ref: group.CollectionRef, Person: p}))
			gotP, err := b.store.PersonGet(b.ctx, group.CollectionRef, p.ID)
			noError(t, err)
			check("person name", gotP.Name, p.Name)
			check("person userData", gotP.UserData, s)

			f := newFace("", n)
			f.UserData = s
			noError(t, b.store.FaceAdd(b.ctx, facesnap.FaceAddParams{Ref: list.CollectionRef, Face: f}))
			gotF, err := b.store.FaceGet(b.ctx, list.CollectionRef, "", f.ID)
			noError(t, err)
			check("face userData", gotF.UserData, s)
			upd := s + s
			noError(t, b.store.FaceUpdate(b.ctx, facesnap.FaceUpdateParams{Ref: list.CollectionRef, FaceID: f.ID, UserData: upd}))
			gotF, err = b.store.FaceGet(b.ctx, list.CollectionRef, "", f.ID)
			noError(t, err)
			check("updated face userData", gotF.UserData, upd)

			// A list starting after such a string is a plain comparison:
			// no error, and the ids after it are the ones that sort after.
			persons, err := b.store.PersonList(b.ctx, facesnap.PersonListParams{Ref: group.CollectionRef, Start: s})
			noError(t, err)
			for _, q := range persons {
				if q.ID <= s {
					t.Errorf("start %q listed %s", s, q.ID)
				}
			}
		})
	}
	t.Run("LongestUserData", func(t *testing.T) {
		// 16,384 characters of four bytes: what the API counts, not bytes.
		s := strings.Repeat("😀", facesnap.MaxUserDataLength)
		noError(t, facesnap.CheckUserData(s, facesnap.MaxUserDataLength))
		c := facesnap.Collection{CollectionRef: b.ref(facesnap.KindPersonGroup, "long"),
			Name: strings.Repeat("中", facesnap.MaxNameLength), UserData: s, RecognitionModel: "recognition_01", CreatedAt: at(0)}
		noError(t, c.Validate())
		noError(t, b.store.CollectionCreate(b.ctx, facesnap.CollectionCreateParams{Collection: c}))
		got, err := b.store.CollectionGet(b.ctx, c.CollectionRef)
		noError(t, err)
		check("long name", got.Name, c.Name)
		check("long userData", got.UserData, s)
	})
}
