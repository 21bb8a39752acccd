package sdktest

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/gofrs/uuid"

	"facesnap"
	"facesnap/accounts"
	"facesnap/sdktest/harness"
	"facesnap/sqlite"
)

// TestRecognition_TrainingSurvivesKill: a training of 80,000 faces (past
// the exact scan's limit, so the approximate index is built) is killed
// with SIGKILL while it runs; after the restart the runner redoes it, it
// succeeds, and identify answers from it.
func TestRecognition_TrainingSurvivesKill(t *testing.T) {
	t.Parallel()
	a := harness.NewAccount()
	srv := harness.Start(t, harness.Options{Accounts: []harness.Account{a}, ExtraArgs: []string{"--operation-lease", "2s"}})
	srv.Stop()
	ctx := harness.Context(t, 3*time.Minute)
	db, err := sqlite.Open(ctx, filepath.Join(srv.DataDir(), "facesnap.db"))
	if err != nil {
		t.Fatal(err)
	}
	populateBig(t, db, a.Subscription, "big", 8000, 10)
	// The query is a face of the group, a little moved.
	ref := facesnap.CollectionRef{Account: accounts.NameFor(a.Subscription), Kind: facesnap.KindLargePersonGroup, ID: "big"}
	persons, err := db.PersonList(ctx, facesnap.PersonListParams{Ref: ref, Top: 1})
	if err != nil || len(persons) != 1 {
		t.Fatalf("list a person: %v", err)
	}
	f, err := db.FaceGet(ctx, ref, persons[0].ID, persons[0].FaceIDs[0])
	if err != nil {
		t.Fatal(err)
	}
	q := make([]float32, len(f.Feature))
	for i, v := range f.Feature {
		q[i] = v * 1.02
	}
	now := time.Now().UTC()
	faceID := uuid.Must(uuid.NewV4()).String()
	if err := db.DetectedFaceCreate(ctx, []facesnap.DetectedFace{{ID: faceID, Account: ref.Account, Rect: facesnap.Rect{Width: 100, Height: 100},
		DetectionModel: facesnap.DefaultDetectionModel, RecognitionModel: facesnap.DefaultRecognitionModel,
		Feature: q, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	srv.Restart()

	status := func() string {
		r := srv.Do(t, harness.Request{Method: http.MethodGet, Path: "/largepersongroups/big/training", Key: a.Key})
		var st struct{ Status string }
		if r.Status != http.StatusOK || json.Unmarshal(r.Body, &st) != nil {
			t.Fatalf("training status: %s", r)
		}
		return st.Status
	}
	killed := false
	for attempt := 0; attempt < 3 && !killed; attempt++ {
		if r := srv.Do(t, harness.Request{Method: http.MethodPost, Path: "/largepersongroups/big/train", Key: a.Key}); r.Status != http.StatusAccepted {
			t.Fatalf("train: %s", r)
		}
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			if s := status(); s == "running" {
				srv.Kill()
				killed = true
				break
			} else if s == "succeeded" {
				break // too fast to catch: train again
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	if !killed {
		t.Skip("the training never was caught running in 3 tries: the machine is too fast for this test")
	}
	srv.Restart()
	deadline := time.Now().Add(90 * time.Second)
	for status() != "succeeded" {
		if time.Now().After(deadline) {
			t.Fatalf("the killed training did not succeed after the restart: %s", status())
		}
		time.Sleep(100 * time.Millisecond)
	}
	r := srv.JSON(t, http.MethodPost, "/identify", a.Key, map[string]any{"faceIds": []string{faceID}, "largePersonGroupId": "big"})
	var res []struct {
		Candidates []struct{ PersonID string } `json:"candidates"`
	}
	if r.Status != http.StatusOK || json.Unmarshal(r.Body, &res) != nil || len(res) != 1 || len(res[0].Candidates) == 0 || res[0].Candidates[0].PersonID != persons[0].ID {
		t.Errorf("identify after the redone training: %s, want person %s", r, persons[0].ID)
	}
}
