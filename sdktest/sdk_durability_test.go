package sdktest

import (
	"net/http"
	"slices"
	"testing"

	"github.com/Azure/azure-sdk-for-go/services/cognitiveservices/v1.0/face"
	"github.com/gofrs/uuid"

	"facesnap/sdktest/harness"
)

// TestDurability_KillRestart: every write the server acknowledged before a
// kill -9 is there after a restart on the same data directory, and the
// clients made before the kill keep working (same endpoint).
func TestDurability_KillRestart(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := ctxFor(t)
	c := tb.A
	img := harness.PNG(t, 200, 200, 80)

	_, err := c.PersonGroup.Create(ctx, "durable", face.MetaDataContract{Name: ptr("pg"), UserData: ptr("u"), RecognitionModel: recognition04})
	must(t, err, "create pg")
	p, err := c.PersonGroupPerson.Create(ctx, "durable", face.NameAndUserDataContract{Name: ptr("p")})
	must(t, err, "create person")
	f, err := c.PersonGroupPerson.AddFaceFromStream(ctx, "durable", *p.PersonID, rc(img), "fu", target, "")
	must(t, err, "add face")
	_, err = c.LargeFaceList.Create(ctx, "durable", face.MetaDataContract{Name: ptr("lfl")})
	must(t, err, "create lfl")
	lf, err := c.LargeFaceList.AddFaceFromStream(ctx, "durable", rc(img), "", target, "")
	must(t, err, "add lfl face")
	_, err = c.LargeFaceList.Train(ctx, "durable")
	must(t, err, "train lfl")
	st := pollTraining(t, ctx, trainables[2], c, "durable")
	if st.Status != face.TrainingStatusTypeSucceeded {
		t.Fatalf("training ended %q", st.Status)
	}
	_, err = c.FaceList.Create(ctx, "deleted", face.MetaDataContract{Name: ptr("gone")})
	must(t, err, "create fl")
	_, err = c.FaceList.Delete(ctx, "deleted")
	must(t, err, "delete fl")

	tb.srv.Kill()
	tb.srv.Restart()

	g, err := c.PersonGroup.Get(ctx, "durable", ptr(true))
	must(t, err, "get pg after restart")
	if deref(g.Name) != "pg" || deref(g.UserData) != "u" || g.RecognitionModel != recognition04 {
		t.Errorf("pg after restart: %s %s %s", deref(g.Name), deref(g.UserData), g.RecognitionModel)
	}
	got, err := c.PersonGroupPerson.Get(ctx, "durable", *p.PersonID)
	must(t, err, "get person after restart")
	if got.PersistedFaceIds == nil || !slices.Equal(*got.PersistedFaceIds, []uuid.UUID{*f.PersistedFaceID}) {
		t.Errorf("person faces after restart: %v, want [%s]", got.PersistedFaceIds, f.PersistedFaceID)
	}
	gf, err := c.PersonGroupPerson.GetFace(ctx, "durable", *p.PersonID, *f.PersistedFaceID)
	must(t, err, "get face after restart")
	if deref(gf.UserData) != "fu" {
		t.Errorf("face userData after restart: %s", deref(gf.UserData))
	}
	if _, err := c.LargeFaceList.GetFace(ctx, "durable", *lf.PersistedFaceID); err != nil {
		t.Errorf("lfl face after restart: %s", describe(err))
	}
	st2, err := c.LargeFaceList.GetTrainingStatus(ctx, "durable")
	must(t, err, "training status after restart")
	if st2.Status != face.TrainingStatusTypeSucceeded || st2.LastSuccessfulTraining == nil || !st2.LastSuccessfulTraining.Equal(st.LastSuccessfulTraining.Time) {
		t.Errorf("training status after restart: %s %v, want succeeded at %v", st2.Status, st2.LastSuccessfulTraining, st.LastSuccessfulTraining)
	}
	_, err = c.FaceList.Get(ctx, "deleted", nil)
	expectAPIError(t, err, "deleted face list after restart", http.StatusNotFound, "FaceListNotFound")
	// Isolation holds across the restart too.
	_, err = tb.B.PersonGroup.Get(ctx, "durable", nil)
	expectAPIError(t, err, "B after restart", http.StatusNotFound, "PersonGroupNotFound")
}
