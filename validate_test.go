package facesnap_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"facesnap"
	"facesnap/engine"
)

func TestDescriptorSize_IsTheEngines(t *testing.T) {
	if facesnap.DescriptorSize != engine.DescriptorSize {
		t.Fatalf("facesnap.DescriptorSize %d, engine's %d", facesnap.DescriptorSize, engine.DescriptorSize)
	}
}

const someUUID = "0f8fad5b-d9cb-469f-a165-70867728950e"

func validFace() facesnap.Face {
	return facesnap.Face{
		ID: someUUID, PersonID: someUUID, UserData: "u", DetectionModel: "detection_01",
		Rect: facesnap.Rect{Left: 1, Top: 2, Width: 3, Height: 4}, Feature: make([]float32, facesnap.DescriptorSize),
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	coll := facesnap.Collection{CollectionRef: facesnap.CollectionRef{Kind: facesnap.KindPersonGroup, ID: "g"}, Name: "n", RecognitionModel: "recognition_01"}
	person := facesnap.Person{ID: someUUID, Name: "n"}
	for _, tc := range []struct {
		name string
		err  error
		ok   bool
	}{
		{"CollectionOK", coll.Validate(), true},
		{"CollectionKind", func() error { c := coll; c.Kind = "X"; return c.Validate() }(), false},
		{"CollectionID", func() error { c := coll; c.ID = "A"; return c.Validate() }(), false},
		{"CollectionNoName", func() error { c := coll; c.Name = ""; return c.Validate() }(), false},
		{"CollectionNameRunes", func() error { c := coll; c.Name = strings.Repeat("ü", facesnap.MaxNameLength); return c.Validate() }(), true},
		{"CollectionNameLong", func() error { c := coll; c.Name = strings.Repeat("ü", facesnap.MaxNameLength+1); return c.Validate() }(), false},
		{"CollectionModel", func() error { c := coll; c.RecognitionModel = ""; return c.Validate() }(), false},
		{"CollectionNUL", func() error { c := coll; c.UserData = "\x00"; return c.Validate() }(), false},
		{"PersonOK", person.Validate(), true},
		{"PersonUpper", func() error { p := person; p.ID = strings.ToUpper(p.ID); return p.Validate() }(), false},
		{"PersonBraces", func() error { p := person; p.ID = "{" + p.ID[1:35] + "}"; return p.Validate() }(), false},
		{"PersonInvalidUTF8", func() error { p := person; p.Name = "\xc3"; return p.Validate() }(), false},
		{"FaceOK", validFace().Validate(facesnap.KindPersonGroup), true},
		{"FaceNoFeature", func() error { f := validFace(); f.Feature = nil; return f.Validate(facesnap.KindPersonGroup) }(), true},
		{"FaceShortFeature", func() error { f := validFace(); f.Feature = f.Feature[:3]; return f.Validate(facesnap.KindPersonGroup) }(), false},
		{"FaceInf", func() error {
			f := validFace()
			f.Feature[0] = float32(math.Inf(1))
			return f.Validate(facesnap.KindPersonGroup)
		}(), false},
		{"FaceListWithPerson", validFace().Validate(facesnap.KindFaceList), false},
		{"FaceListNoPerson", func() error { f := validFace(); f.PersonID = ""; return f.Validate(facesnap.KindLargeFaceList) }(), true},
		{"FaceGroupNoPerson", func() error { f := validFace(); f.PersonID = ""; return f.Validate(facesnap.KindPersonGroup) }(), false},
		{"FaceRectEdge", func() error {
			f := validFace()
			f.Rect = facesnap.Rect{Left: facesnap.MaxRectCoordinate - 5, Width: 5}
			return f.Validate(facesnap.KindPersonGroup)
		}(), true},
		{"FaceRectOver", func() error {
			f := validFace()
			f.Rect = facesnap.Rect{Left: facesnap.MaxRectCoordinate - 5, Width: 6}
			return f.Validate(facesnap.KindPersonGroup)
		}(), false},
		{"FaceUserDataLong", func() error {
			f := validFace()
			f.UserData = strings.Repeat("x", facesnap.MaxFaceUserDataLength+1)
			return f.Validate(facesnap.KindPersonGroup)
		}(), false},
		{"TrainingZero", facesnap.Training{}.Validate(), true},
		{"TrainingBogus", facesnap.Training{Status: "done"}.Validate(), false},
		{"TrainingNegativeSeq", facesnap.Training{Status: facesnap.TrainingSucceeded, TrainedSeq: -1}.Validate(), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.ok != (tc.err == nil) {
				t.Fatalf("err = %v, want ok=%v", tc.err, tc.ok)
			}
			if tc.err != nil && !errors.Is(tc.err, facesnap.ErrInvalid) {
				t.Fatalf("err %v is not an InvalidError", tc.err)
			}
		})
	}
}

// FuzzValidate: whatever a record holds, Validate does not panic, and
// what it accepts is storable and reachable through the API.
func FuzzValidate(f *testing.F) {
	f.Add(someUUID, someUUID, "name", "data", "detection_01", 0, 0, 10, 10, uint8(128), float32(0.5))
	f.Add("A"+someUUID[1:], "", "\x00", "\xff", "x", -1, 1<<40, 0, -5, uint8(3), float32(math.NaN()))
	f.Fuzz(func(t *testing.T, id, personID, name, userData, model string, left, top, width, height int, n uint8, v float32) {
		feature := make([]float32, n)
		for i := range feature {
			feature[i] = v
		}
		face := facesnap.Face{ID: id, PersonID: personID, UserData: userData, DetectionModel: model,
			Rect: facesnap.Rect{Left: left, Top: top, Width: width, Height: height}, Feature: feature}
		for _, k := range facesnap.Kinds {
			if face.Validate(k) != nil {
				continue
			}
			storable(t, id, userData)
			if k.HasPersons() != (personID != "") || len(feature) != facesnap.DescriptorSize || math.IsNaN(float64(v)) {
				t.Fatalf("accepted face %+v in a %s", face, k)
			}
			if left < 0 || width < 0 || left+width > facesnap.MaxRectCoordinate || top+height > facesnap.MaxRectCoordinate {
				t.Fatalf("accepted rect %+v", face.Rect)
			}
		}
		if (facesnap.Person{ID: id, Name: name, UserData: userData}).Validate() == nil {
			storable(t, id, name, userData)
			if name == "" || utf8.RuneCountInString(name) > facesnap.MaxNameLength || id != strings.ToLower(id) {
				t.Fatalf("accepted person %q %q", id, name)
			}
		}
		c := facesnap.Collection{CollectionRef: facesnap.CollectionRef{Kind: facesnap.Kind(model), ID: id}, Name: name, UserData: userData, RecognitionModel: "recognition_02"}
		if c.Validate() == nil {
			storable(t, id, name, userData)
			if !c.Kind.Valid() || !facesnap.ValidID(id) {
				t.Fatalf("accepted collection %+v", c)
			}
		}
	})
}

func storable(t *testing.T, ss ...string) {
	t.Helper()
	for _, s := range ss {
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
			t.Fatalf("accepted %q, which PostgreSQL cannot store", s)
		}
	}
}
