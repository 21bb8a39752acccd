package sdktest

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/services/cognitiveservices/v1.0/face"
	"github.com/gofrs/uuid"

	"facesnap/sdktest/harness"
)

// The recognition tests use the labelled photos of real people in
// shared/testdata/people (beside the project's root): some photos of each
// person are enrolled, the others are the queries, so no photo is ever
// compared with itself.

func peoplePhoto(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "shared", "testdata", "people", rel))
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("labelled photo (shared/testdata/people) missing under CI: %v", err)
		}
		t.Skipf("labelled photos not found: %v", err)
	}
	return b
}

// enrolled are the photos added to each person; queries are the others.
var (
	enrolled = map[string][]string{
		"obama": {"obama/1.jpg", "obama/2.jpg"},
		"biden": {"biden/1.jpg"},
		"kit":   {"kit/1.jpg", "kit/2.jpg"},
		"rose":  {"rose/1.jpg"},
	}
	queries = map[string][]string{
		"obama": {"obama/3.jpg", "obama/4.jpg"},
		"biden": {"biden/2.jpg"},
		"kit":   {"kit/3.jpg"},
		"rose":  {"rose/2.jpg"},
	}
)

// recognitionBundle is a server with the engine, account A's group of the
// enrolled people, trained, and the face clients of both accounts.
type recognitionBundle struct {
	*testBundle
	FA, FB  face.Client
	group   personGroupKind
	groupID string
	persons map[string]uuid.UUID // name -> personId
}

// personGroupKind drives a PersonGroup or a LargePersonGroup through the
// official client.
type personGroupKind struct {
	name    string
	create  func(ctx context.Context, c clients, id string, model face.RecognitionModel) error
	person  func(ctx context.Context, c clients, id, name string) (uuid.UUID, error)
	addFace func(ctx context.Context, c clients, id string, person uuid.UUID, img []byte) error
	train   func(ctx context.Context, c clients, id string) error
	status  func(ctx context.Context, c clients, id string) (face.TrainingStatus, error)
	delete  func(ctx context.Context, c clients, id string, person uuid.UUID) error
	// target sets the group of an identify or verify request.
	target func(id string) (pg, lpg *string)
	snap   face.SnapshotObjectType
}

var personGroupKinds = []personGroupKind{
	{
		name: "PersonGroup",
		create: func(ctx context.Context, c clients, id string, model face.RecognitionModel) error {
			_, err := c.PersonGroup.Create(ctx, id, face.MetaDataContract{Name: ptr(id), RecognitionModel: model})
			return err
		},
		person: func(ctx context.Context, c clients, id, name string) (uuid.UUID, error) {
			p, err := c.PersonGroupPerson.Create(ctx, id, face.NameAndUserDataContract{Name: ptr(name)})
			if err != nil {
				return uuid.Nil, err
			}
			return *p.PersonID, nil
		},
		addFace: func(ctx context.Context, c clients, id string, person uuid.UUID, img []byte) error {
			_, err := c.PersonGroupPerson.AddFaceFromStream(ctx, id, person, rc(img), "", nil, "")
			return err
		},
		train: func(ctx context.Context, c clients, id string) error {
			_, err := c.PersonGroup.Train(ctx, id)
			return err
		},
		status: func(ctx context.Context, c clients, id string) (face.TrainingStatus, error) {
			return c.PersonGroup.GetTrainingStatus(ctx, id)
		},
		delete: func(ctx context.Context, c clients, id string, person uuid.UUID) error {
			_, err := c.PersonGroupPerson.Delete(ctx, id, person)
			return err
		},
		target: func(id string) (*string, *string) { return &id, nil },
		snap:   face.SnapshotObjectTypePersonGroup,
	},
	{
		name: "LargePersonGroup",
		create: func(ctx context.Context, c clients, id string, model face.RecognitionModel) error {
			_, err := c.LargePersonGroup.Create(ctx, id, face.MetaDataContract{Name: ptr(id), RecognitionModel: model})
			return err
		},
		person: func(ctx context.Context, c clients, id, name string) (uuid.UUID, error) {
			p, err := c.LargePersonGroupPerson.Create(ctx, id, face.NameAndUserDataContract{Name: ptr(name)})
			if err != nil {
				return uuid.Nil, err
			}
			return *p.PersonID, nil
		},
		addFace: func(ctx context.Context, c clients, id string, person uuid.UUID, img []byte) error {
			_, err := c.LargePersonGroupPerson.AddFaceFromStream(ctx, id, person, rc(img), "", nil, "")
			return err
		},
		train: func(ctx context.Context, c clients, id string) error {
			_, err := c.LargePersonGroup.Train(ctx, id)
			return err
		},
		status: func(ctx context.Context, c clients, id string) (face.TrainingStatus, error) {
			return c.LargePersonGroup.GetTrainingStatus(ctx, id)
		},
		delete: func(ctx context.Context, c clients, id string, person uuid.UUID) error {
			_, err := c.LargePersonGroupPerson.Delete(ctx, id, person)
			return err
		},
		target: func(id string) (*string, *string) { return nil, &id },
		snap:   face.SnapshotObjectTypeLargePersonGroup,
	},
}

// trainAndWait trains a group and waits, bounded, for its success.
func (k personGroupKind) trainAndWait(t *testing.T, ctx context.Context, c clients, id string) {
	t.Helper()
	must(t, k.train(ctx, c, id), "train "+id)
	tr := trainable{status: func(ctx context.Context, c clients, id string) (face.TrainingStatus, error) {
		return k.status(ctx, c, id)
	}}
	if st := pollTraining(t, ctx, tr, c, id); st.Status != face.TrainingStatusTypeSucceeded {
		t.Fatalf("training of %s: %s %s", id, st.Status, deref(st.Message))
	}
}

// enrol creates a group of the enrolled people in c's account.
func (k personGroupKind) enrol(t *testing.T, ctx context.Context, c clients, id string) map[string]uuid.UUID {
	t.Helper()
	must(t, k.create(ctx, c, id, ""), "create "+id)
	persons := map[string]uuid.UUID{}
	for name, photos := range enrolled {
		p, err := k.person(ctx, c, id, name)
		must(t, err, "create person "+name)
		persons[name] = p
		for _, ph := range photos {
			must(t, k.addFace(ctx, c, id, p, peoplePhoto(t, ph)), "add "+ph)
		}
	}
	return persons
}

func setupRecognition(t *testing.T, k personGroupKind) *recognitionBundle {
	t.Helper()
	tb, _ := setupEngine(t)
	rb := &recognitionBundle{testBundle: tb, FA: faceClient(tb.srv.Endpoint, tb.a.Key), FB: faceClient(tb.srv.Endpoint, tb.b.Key), group: k, groupID: "people"}
	ctx := ctxFor(t)
	rb.persons = k.enrol(t, ctx, tb.A, rb.groupID)
	k.trainAndWait(t, ctx, tb.A, rb.groupID)
	return rb
}

// detect returns the faceIds of a photo's faces, largest first.
func detectIDs(t *testing.T, ctx context.Context, c face.Client, img []byte, model face.RecognitionModel) []uuid.UUID {
	t.Helper()
	faces, err := c.DetectWithStream(ctx, rc(img), ptr(true), nil, nil, model, nil, "")
	must(t, err, "detect")
	var ids []uuid.UUID
	for _, f := range *faces.Value {
		ids = append(ids, *f.FaceID)
	}
	return ids
}

func detectOne(t *testing.T, ctx context.Context, c face.Client, photo string) uuid.UUID {
	t.Helper()
	ids := detectIDs(t, ctx, c, peoplePhoto(t, photo), "")
	if len(ids) != 1 {
		t.Fatalf("%s: %d faces, want 1", photo, len(ids))
	}
	return ids[0]
}

func (rb *recognitionBundle) identify(t *testing.T, ctx context.Context, c face.Client, ids []uuid.UUID, max int32, threshold *float64) []face.IdentifyResult {
	t.Helper()
	pg, lpg := rb.group.target(rb.groupID)
	res, err := c.Identify(ctx, face.IdentifyRequest{FaceIds: &ids, PersonGroupID: pg, LargePersonGroupID: lpg, MaxNumOfCandidatesReturned: &max, ConfidenceThreshold: threshold})
	must(t, err, "identify")
	if len(*res.Value) != len(ids) {
		t.Fatalf("identify of %d faces answered %d results", len(ids), len(*res.Value))
	}
	for i, r := range *res.Value {
		if *r.FaceID != ids[i] {
			t.Errorf("result %d is for face %s, want %s (the order asked)", i, r.FaceID, ids[i])
		}
	}
	return *res.Value
}

// top is the name of the top candidate, "" when there is none.
func (rb *recognitionBundle) top(r face.IdentifyResult) string {
	if len(*r.Candidates) == 0 {
		return ""
	}
	for name, id := range rb.persons {
		if id == *(*r.Candidates)[0].PersonID {
			return name
		}
	}
	return "someone unknown: " + (*r.Candidates)[0].PersonID.String()
}

func TestRecognition_Identify(t *testing.T) {
	t.Parallel()
	for _, k := range personGroupKinds {
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			rb := setupRecognition(t, k)
			ctx := ctxFor(t)

			t.Run("RightPersonOnTop", func(t *testing.T) {
				for name, photos := range queries {
					for _, ph := range photos {
						r := rb.identify(t, ctx, rb.FA, []uuid.UUID{detectOne(t, ctx, rb.FA, ph)}, 1, nil)[0]
						if got := rb.top(r); got != name {
							t.Errorf("%s identified as %q, want %s", ph, got, name)
							continue
						}
						if c := *(*r.Candidates)[0].Confidence; c < 0.5 || c > 1 {
							t.Errorf("%s: confidence %v, want in [0.5, 1]", ph, c)
						}
					}
				}
			})
			t.Run("ImpostorNotIdentified", func(t *testing.T) {
				r := rb.identify(t, ctx, rb.FA, []uuid.UUID{detectOne(t, ctx, rb.FA, "unenrolled/lin.png")}, 5, nil)[0]
				if len(*r.Candidates) != 0 {
					t.Errorf("a never-enrolled person identified as %s", rb.top(r))
				}
			})
			t.Run("TwoFacesOfOnePhoto", func(t *testing.T) {
				ids := detectIDs(t, ctx, rb.FA, peoplePhoto(t, "multi/obama_and_biden.jpg"), "")
				if len(ids) != 2 {
					t.Fatalf("%d faces in the two-person photo", len(ids))
				}
				var got []string
				for _, r := range rb.identify(t, ctx, rb.FA, ids, 1, nil) {
					got = append(got, rb.top(r))
				}
				slices.Sort(got)
				if !slices.Equal(got, []string{"biden", "obama"}) {
					t.Errorf("two-person photo identified as %v, want biden and obama", got)
				}
			})
			t.Run("CandidatesRanked", func(t *testing.T) {
				zero := 0.0
				r := rb.identify(t, ctx, rb.FA, []uuid.UUID{detectOne(t, ctx, rb.FA, "kit/3.jpg")}, 3, &zero)[0]
				cs := *r.Candidates
				if len(cs) != 3 || rb.top(r) != "kit" {
					t.Fatalf("3 candidates at threshold 0: got %d, top %s", len(cs), rb.top(r))
				}
				for i := 1; i < len(cs); i++ {
					if *cs[i].Confidence > *cs[i-1].Confidence {
						t.Errorf("candidates not ranked by confidence: %v then %v", *cs[i-1].Confidence, *cs[i].Confidence)
					}
				}
			})
			t.Run("Verify", func(t *testing.T) {
				o3, o4, b2 := detectOne(t, ctx, rb.FA, "obama/3.jpg"), detectOne(t, ctx, rb.FA, "obama/4.jpg"), detectOne(t, ctx, rb.FA, "biden/2.jpg")
				for _, c := range []struct {
					a, b uuid.UUID
					same bool
				}{{o3, o4, true}, {o3, b2, false}} {
					v, err := rb.FA.VerifyFaceToFace(ctx, face.VerifyFaceToFaceRequest{FaceID1: &c.a, FaceID2: &c.b})
					must(t, err, "verify face to face")
					if *v.IsIdentical != c.same || (*v.Confidence >= 0.5) != *v.IsIdentical {
						t.Errorf("verify face to face: identical %v confidence %v, want identical %v", *v.IsIdentical, *v.Confidence, c.same)
					}
				}
				pg, lpg := rb.group.target(rb.groupID)
				for _, c := range []struct {
					person string
					same   bool
				}{{"obama", true}, {"biden", false}} {
					p := rb.persons[c.person]
					v, err := rb.FA.VerifyFaceToPerson(ctx, face.VerifyFaceToPersonRequest{FaceID: &o3, PersonGroupID: pg, LargePersonGroupID: lpg, PersonID: &p})
					must(t, err, "verify face to person")
					if *v.IsIdentical != c.same {
						t.Errorf("obama/3 verified against %s: identical %v (confidence %v)", c.person, *v.IsIdentical, *v.Confidence)
					}
				}
				// A person without faces, and one that does not exist.
				empty, err := rb.group.person(ctx, rb.A, rb.groupID, "nobody")
				must(t, err, "create a person without faces")
				_, err = rb.FA.VerifyFaceToPerson(ctx, face.VerifyFaceToPersonRequest{FaceID: &o3, PersonGroupID: pg, LargePersonGroupID: lpg, PersonID: &empty})
				expectAPIError(t, err, "verify against a person without faces", http.StatusNotFound, "PersistedFaceNotFound")
				missing := uuid.Must(uuid.NewV4())
				_, err = rb.FA.VerifyFaceToPerson(ctx, face.VerifyFaceToPersonRequest{FaceID: &o3, PersonGroupID: pg, LargePersonGroupID: lpg, PersonID: &missing})
				expectAPIError(t, err, "verify against a missing person", http.StatusNotFound, "PersonNotFound")
				_, err = rb.FA.VerifyFaceToFace(ctx, face.VerifyFaceToFaceRequest{FaceID1: &o3, FaceID2: &missing})
				expectAPIError(t, err, "verify with a missing face", http.StatusNotFound, "FaceNotFound")
			})
			t.Run("TrainedStateOnly", func(t *testing.T) {
				// alex is enrolled after the training: not searched until
				// the next one.
				alex, err := rb.group.person(ctx, rb.A, rb.groupID, "alex")
				must(t, err, "create alex")
				must(t, rb.group.addFace(ctx, rb.A, rb.groupID, alex, peoplePhoto(t, "alex/1.jpg")), "add alex/1")
				q := detectOne(t, ctx, rb.FA, "alex/2.jpg")
				if r := rb.identify(t, ctx, rb.FA, []uuid.UUID{q}, 1, nil)[0]; len(*r.Candidates) != 0 {
					t.Errorf("a person added after the training identified: %s", (*r.Candidates)[0].PersonID)
				}
				rb.group.trainAndWait(t, ctx, rb.A, rb.groupID)
				r := rb.identify(t, ctx, rb.FA, []uuid.UUID{q}, 1, nil)[0]
				if len(*r.Candidates) == 0 || *(*r.Candidates)[0].PersonID != alex {
					t.Errorf("alex after the next training: candidates %v, want alex %s", *r.Candidates, alex)
				}
			})
			t.Run("DeletedPersonNeverAnswered", func(t *testing.T) {
				q := detectOne(t, ctx, rb.FA, "rose/2.jpg")
				must(t, rb.group.delete(ctx, rb.A, rb.groupID, rb.persons["rose"]), "delete rose")
				zero := 0.0
				r := rb.identify(t, ctx, rb.FA, []uuid.UUID{q}, 5, &zero)[0]
				for _, c := range *r.Candidates {
					if *c.PersonID == rb.persons["rose"] {
						t.Errorf("a deleted person answered before any new training")
					}
				}
			})
			t.Run("Isolation", func(t *testing.T) {
				q := detectOne(t, ctx, rb.FA, "obama/3.jpg")
				pg, lpg := rb.group.target(rb.groupID)
				// B cannot use A's faceId, nor A's group.
				_, err := rb.FB.Identify(ctx, face.IdentifyRequest{FaceIds: &[]uuid.UUID{q}, PersonGroupID: pg, LargePersonGroupID: lpg})
				expectAPIError(t, err, "B identifies against A's group", http.StatusBadRequest, rb.group.name+"NotFound")
				must(t, rb.group.create(ctx, rb.B, rb.groupID, ""), "B creates a group of the same id")
				p, err := rb.group.person(ctx, rb.B, rb.groupID, "b's person")
				must(t, err, "B creates a person")
				must(t, rb.group.addFace(ctx, rb.B, rb.groupID, p, peoplePhoto(t, "obama/1.jpg")), "B adds a face")
				rb.group.trainAndWait(t, ctx, rb.B, rb.groupID)
				_, err = rb.FB.Identify(ctx, face.IdentifyRequest{FaceIds: &[]uuid.UUID{q}, PersonGroupID: pg, LargePersonGroupID: lpg})
				expectAPIError(t, err, "B identifies A's faceId", http.StatusBadRequest, "FaceNotFound")
				_, err = rb.FB.VerifyFaceToFace(ctx, face.VerifyFaceToFaceRequest{FaceID1: &q, FaceID2: &q})
				expectAPIError(t, err, "B verifies A's faceId", http.StatusNotFound, "FaceNotFound")
			})
			t.Run("ModelMismatch", func(t *testing.T) {
				ids := detectIDs(t, ctx, rb.FA, peoplePhoto(t, "obama/3.jpg"), recognition04)
				pg, lpg := rb.group.target(rb.groupID)
				_, err := rb.FA.Identify(ctx, face.IdentifyRequest{FaceIds: &ids, PersonGroupID: pg, LargePersonGroupID: lpg})
				expectAPIError(t, err, "identify a recognition_04 face in a recognition_01 group", http.StatusBadRequest, "BadArgument")
			})
		})
	}
}

func TestRecognition_IdentifyErrors(t *testing.T) {
	t.Parallel()
	tb, _ := setupEngine(t)
	ctx := ctxFor(t)
	F := faceClient(tb.srv.Endpoint, tb.a.Key)
	q := detectOne(t, ctx, F, "obama/3.jpg")
	ids := []uuid.UUID{q}
	k := personGroupKinds[1]
	must(t, k.create(ctx, tb.A, "lpg", ""), "create")
	_, err := F.Identify(ctx, face.IdentifyRequest{FaceIds: &ids, LargePersonGroupID: ptr("lpg")})
	expectAPIError(t, err, "identify before any training", http.StatusBadRequest, "LargePersonGroupNotTrained")
	_, err = F.Identify(ctx, face.IdentifyRequest{FaceIds: &ids, LargePersonGroupID: ptr("nope")})
	expectAPIError(t, err, "identify in a missing group", http.StatusBadRequest, "LargePersonGroupNotFound")
	_, err = F.Identify(ctx, face.IdentifyRequest{FaceIds: &ids, PersonGroupID: ptr("a"), LargePersonGroupID: ptr("lpg")})
	expectAPIError(t, err, "both group ids", http.StatusBadRequest, "PersonGroupIdAndLargePersonGroupIdBothNotNull")
	_, err = F.Identify(ctx, face.IdentifyRequest{FaceIds: &ids})
	expectAPIError(t, err, "no group id", http.StatusBadRequest, "PersonGroupIdAndLargePersonGroupIdBothNull")
	_, err = F.Identify(ctx, face.IdentifyRequest{FaceIds: &ids, LargePersonGroupID: ptr("lpg"), ConfidenceThreshold: ptr(1.5)})
	expectAPIError(t, err, "threshold out of range", http.StatusBadRequest, "BadArgument")
	unknown := []uuid.UUID{uuid.Must(uuid.NewV4())}
	p, err := k.person(ctx, tb.A, "lpg", "p")
	must(t, err, "person")
	must(t, k.addFace(ctx, tb.A, "lpg", p, peoplePhoto(t, "obama/1.jpg")), "add")
	k.trainAndWait(t, ctx, tb.A, "lpg")
	_, err = F.Identify(ctx, face.IdentifyRequest{FaceIds: &unknown, LargePersonGroupID: ptr("lpg")})
	expectAPIError(t, err, "identify an unknown faceId", http.StatusBadRequest, "FaceNotFound")

	// What the client refuses to send, raw.
	for _, c := range []struct {
		body, code string
	}{
		{`{"faceIds":[],"largePersonGroupId":"lpg"}`, "BadArgument"},
		{`{"faceIds":["` + q.String() + `"],"largePersonGroupId":"lpg","maxNumOfCandidatesReturned":0}`, "BadArgument"},
		{`{"faceIds":["` + q.String() + `"],"largePersonGroupId":"lpg","maxNumOfCandidatesReturned":6}`, "BadArgument"},
		{`{"faceIds":["not-a-uuid"],"largePersonGroupId":"lpg"}`, "FaceNotFound"},
	} {
		tb.srv.JSON(t, http.MethodPost, "/identify", tb.a.Key, json.RawMessage(c.body)).ExpectError(t, c.body, http.StatusBadRequest, c.code)
	}
}

// TestRecognition_FindSimilarAndGroup: find-similar in a FaceList (no
// training), a LargeFaceList (trained) and a faceIds list; group.
func TestRecognition_FindSimilarAndGroup(t *testing.T) {
	t.Parallel()
	tb, _ := setupEngine(t)
	ctx := ctxFor(t)
	F := faceClient(tb.srv.Endpoint, tb.a.Key)
	q := detectOne(t, ctx, F, "obama/3.jpg")

	_, err := tb.A.FaceList.Create(ctx, "fl", face.MetaDataContract{Name: ptr("fl")})
	must(t, err, "create face list")
	_, err = F.FindSimilar(ctx, face.FindSimilarRequest{FaceID: &q, FaceListID: ptr("fl")})
	expectAPIError(t, err, "find-similar in an empty face list", http.StatusBadRequest, "FaceListNotReady")
	_, err = tb.A.LargeFaceList.Create(ctx, "lfl", face.MetaDataContract{Name: ptr("lfl")})
	must(t, err, "create large face list")
	owner := map[uuid.UUID]string{}
	for _, ph := range []string{"obama/1.jpg", "biden/1.jpg", "kit/1.jpg", "rose/1.jpg", "alex/1.jpg"} {
		f, err := tb.A.FaceList.AddFaceFromStream(ctx, "fl", rc(peoplePhoto(t, ph)), "", nil, "")
		must(t, err, "add to face list")
		owner[*f.PersistedFaceID] = ph
		lf, err := tb.A.LargeFaceList.AddFaceFromStream(ctx, "lfl", rc(peoplePhoto(t, ph)), "", nil, "")
		must(t, err, "add to large face list")
		owner[*lf.PersistedFaceID] = ph
	}
	_, err = F.FindSimilar(ctx, face.FindSimilarRequest{FaceID: &q, LargeFaceListID: ptr("lfl")})
	expectAPIError(t, err, "find-similar in an untrained large face list", http.StatusBadRequest, "LargeFaceListNotTrained")
	_, err = tb.A.LargeFaceList.Train(ctx, "lfl")
	must(t, err, "train")
	lflTrain := trainable{status: func(ctx context.Context, c clients, id string) (face.TrainingStatus, error) {
		return c.LargeFaceList.GetTrainingStatus(ctx, id)
	}}
	pollTraining(t, ctx, lflTrain, tb.A, "lfl")

	for _, target := range []face.FindSimilarRequest{{FaceListID: ptr("fl")}, {LargeFaceListID: ptr("lfl")}} {
		target.FaceID = &q
		res, err := F.FindSimilar(ctx, target)
		must(t, err, "find similar")
		got := *res.Value
		if len(got) != 1 || owner[*got[0].PersistedFaceID] != "obama/1.jpg" {
			t.Errorf("matchPerson answered %d faces, want only obama's", len(got))
		}
		target.Mode = face.MatchFace
		target.MaxNumOfCandidatesReturned = ptr(int32(3))
		res, err = F.FindSimilar(ctx, target)
		must(t, err, "find similar, matchFace")
		got = *res.Value
		if len(got) != 3 || owner[*got[0].PersistedFaceID] != "obama/1.jpg" || *got[2].Confidence > *got[0].Confidence {
			t.Errorf("matchFace: %d faces, want 3 ranked with obama's first", len(got))
		}
	}
	_, err = F.FindSimilar(ctx, face.FindSimilarRequest{FaceID: &q, FaceListID: ptr("nope")})
	expectAPIError(t, err, "find-similar in a missing face list", http.StatusBadRequest, "FaceListNotFound")

	// faceIds: the candidates are detected faces.
	o4, b2, lin := detectOne(t, ctx, F, "obama/4.jpg"), detectOne(t, ctx, F, "biden/2.jpg"), detectOne(t, ctx, F, "unenrolled/lin.png")
	res, err := F.FindSimilar(ctx, face.FindSimilarRequest{FaceID: &q, FaceIds: &[]uuid.UUID{b2, o4, lin}})
	must(t, err, "find similar in faceIds")
	if got := *res.Value; len(got) != 1 || *got[0].FaceID != o4 {
		t.Errorf("find-similar in faceIds: %d faces, want obama/4 alone", len(got))
	}

	// group: obama's two photos together, everyone else alone.
	k3, k2 := detectOne(t, ctx, F, "kit/3.jpg"), detectOne(t, ctx, F, "kit/2.jpg")
	g, err := F.Group(ctx, face.GroupRequest{FaceIds: &[]uuid.UUID{b2, q, k3, lin, o4, k2}})
	must(t, err, "group")
	groups := *g.Groups
	if len(groups) != 2 || len(*g.MessyGroup) != 2 {
		t.Fatalf("group: %d groups and %d messy faces, want 2 groups (obama, kit) and 2 messy", len(groups), len(*g.MessyGroup))
	}
	for _, want := range [][]uuid.UUID{{q, o4}, {k3, k2}} {
		found := false
		for _, got := range groups {
			found = found || slices.Equal(got, want)
		}
		if !found {
			t.Errorf("group: %v not a group of %v", want, groups)
		}
	}
}

// TestRecognition_SnapshotCarriesTraining: a trained group copied to
// another account and to another region is identifiable there at once,
// with the same answers, without training.
func TestRecognition_SnapshotCarriesTraining(t *testing.T) {
	t.Parallel()
	dir := modelsDir(t)
	store := t.TempDir()
	a, b, c := harness.NewAccount(), harness.NewAccount(), harness.NewAccount()
	west := harness.Start(t, harness.Options{Accounts: []harness.Account{a, b}, SnapshotStore: store, ExtraArgs: []string{"--models", dir}})
	east := harness.Start(t, harness.Options{Accounts: []harness.Account{c}, SnapshotStore: store, ExtraArgs: []string{"--models", dir}})
	A, B, C := newClients(west.Endpoint, a.Key), newClients(west.Endpoint, b.Key), newClients(east.Endpoint, c.Key)
	FA, FB, FC := faceClient(west.Endpoint, a.Key), faceClient(west.Endpoint, b.Key), faceClient(east.Endpoint, c.Key)
	ctx := ctxFor(t)
	k := personGroupKinds[1]
	rb := &recognitionBundle{group: k, groupID: "people"}
	rb.persons = k.enrol(t, ctx, A, "people")
	k.trainAndWait(t, ctx, A, "people")

	snap := takeAndWait(t, ctx, A, k.snap, "people", []uuid.UUID{subOf(b), subOf(c)}, "")
	sk := snapKindOf(k.snap)
	applyAndWait(t, ctx, B, sk, snap, "copy")
	applyAndWait(t, ctx, C, sk, snap, "copy")

	photos := []string{"obama/3.jpg", "biden/2.jpg", "kit/3.jpg", "rose/2.jpg", "unenrolled/lin.png"}
	answers := func(F face.Client, id string) []string {
		var out []string
		for _, ph := range photos {
			q := detectOne(t, ctx, F, ph)
			res, err := F.Identify(ctx, face.IdentifyRequest{FaceIds: &[]uuid.UUID{q}, LargePersonGroupID: &id})
			must(t, err, "identify "+ph+" in "+id)
			r := (*res.Value)[0]
			if len(*r.Candidates) == 0 {
				out = append(out, "nobody")
				continue
			}
			out = append(out, (*r.Candidates)[0].PersonID.String())
		}
		return out
	}
	want := answers(FA, "people")
	if want[0] != rb.persons["obama"].String() || want[4] != "nobody" {
		t.Fatalf("the source's answers are wrong: %v", want)
	}
	for name, F := range map[string]face.Client{"another account": FB, "another region": FC} {
		if got := answers(F, "copy"); !slices.Equal(got, want) {
			t.Errorf("the copy in %s answers %v, want the source's %v", name, got, want)
		}
	}
	// A restarted node holds no index: it builds the same one from the
	// trained state, without training.
	west.Restart()
	if got := answers(FA, "people"); !slices.Equal(got, want) {
		t.Errorf("after a restart the source answers %v, want %v", got, want)
	}
}

// TestMultiNode_IdentifyOnEveryNode: two nodes on one PostgreSQL. The
// group is enrolled and trained through node 1 (whichever node's runner
// trains it); both nodes identify the same, and a person deleted through
// node 2 is never answered by node 1, which holds the index.
func TestMultiNode_IdentifyOnEveryNode(t *testing.T) {
	t.Parallel()
	c := startCluster(t, 2, "--models", modelsDir(t))
	ctx := harness.Context(t, 2*time.Minute)
	k := personGroupKinds[1]
	rb := &recognitionBundle{group: k, groupID: "people"}
	rb.persons = k.enrol(t, ctx, c.A[0], "people")
	k.trainAndWait(t, ctx, c.A[0], "people")
	F := []face.Client{faceClient(c.nodes[0].Endpoint, c.a.Key), faceClient(c.nodes[1].Endpoint, c.a.Key)}
	for i, F := range F {
		for name, photos := range queries {
			q := detectOne(t, ctx, F, photos[0])
			res, err := F.Identify(ctx, face.IdentifyRequest{FaceIds: &[]uuid.UUID{q}, LargePersonGroupID: ptr("people")})
			must(t, err, "identify")
			if got := rb.top((*res.Value)[0]); got != name {
				t.Errorf("node %d identifies %s as %q, want %s", i+1, photos[0], got, name)
			}
		}
	}
	must(t, k.delete(ctx, c.A[1], "people", rb.persons["kit"]), "delete kit through node 2")
	q := detectOne(t, ctx, F[0], "kit/3.jpg")
	zero := 0.0
	res, err := F[0].Identify(ctx, face.IdentifyRequest{FaceIds: &[]uuid.UUID{q}, LargePersonGroupID: ptr("people"), ConfidenceThreshold: &zero, MaxNumOfCandidatesReturned: ptr(int32(5))})
	must(t, err, "identify on node 1")
	for _, cand := range *(*res.Value)[0].Candidates {
		if *cand.PersonID == rb.persons["kit"] {
			t.Errorf("node 1 answered a person deleted through node 2")
		}
	}
}
