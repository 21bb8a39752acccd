package client

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"image"
	"image/png"
	"io"
	"net/http"
	"os"
	"testing"
	"time"
)

// TestIntegration runs the snapshot workflow against a real server when
// FACESNAP_TEST_ENDPOINT names one. FACESNAP_TEST_KEY is the source
// account's key; FACESNAP_TEST_KEY2 and FACESNAP_TEST_SUBSCRIPTION2 are
// the target account's key and subscription id.
func TestIntegration(t *testing.T) {
	endpoint := os.Getenv("FACESNAP_TEST_ENDPOINT")
	key, key2, sub2 := os.Getenv("FACESNAP_TEST_KEY"), os.Getenv("FACESNAP_TEST_KEY2"), os.Getenv("FACESNAP_TEST_SUBSCRIPTION2")
	if endpoint == "" || key == "" || key2 == "" || sub2 == "" {
		t.Skip("set FACESNAP_TEST_ENDPOINT, FACESNAP_TEST_KEY, FACESNAP_TEST_KEY2 and FACESNAP_TEST_SUBSCRIPTION2 to run against a server")
	}
	ctx := t.Context()
	src, dst := New(endpoint, key), New(endpoint, key2)
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	groupID := "it-" + hex.EncodeToString(suffix)
	targetID := groupID + "-copy"

	groups := src.PersonGroups()
	if err := groups.Create(ctx, groupID, MetaDataContract{Name: "integration", UserData: "u"}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = groups.Delete(t.Context(), groupID) })
	// Until the server detects faces, a targetFace says where the face is.
	image, face := testImage(t), &FaceRectangle{Left: 8, Top: 8, Width: 64, Height: 64}
	var personID, faceID string
	for _, name := range []string{"ann", "bob", "cy"} {
		p, err := groups.Persons(groupID).Create(ctx, NameAndUserDataContract{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		f, err := groups.Persons(groupID).Faces(p.PersonID).Add(ctx, bytes.NewReader(image), AddFaceOptions{UserData: name + "'s face", TargetFace: face})
		if err != nil {
			t.Fatal(err)
		}
		personID, faceID = p.PersonID, f.PersistedFaceID
	}

	// The training ends, failed or not, and its status is a document to
	// round-trip below.
	if err := groups.Train(ctx, groupID); err != nil {
		t.Fatal(err)
	}
	trainCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if ts, err := groups.WaitTraining(trainCtx, groupID, WaitTrainingOptions{Interval: 50 * time.Millisecond}); err != nil {
		t.Fatalf("training did not end: %+v, %v", ts, err)
	}

	opID, err := src.TakeSnapshot(ctx, TakeSnapshotRequest{Type: SnapshotPersonGroup, ObjectID: groupID, ApplyScope: []string{sub2}})
	if err != nil {
		t.Fatal(err)
	}
	polls := 0
	st, err := src.WaitOperation(ctx, opID, WaitOptions{Progress: func(OperationStatus) { polls++ }})
	if err != nil {
		t.Fatal(err)
	}
	snapID, err := SnapshotIDFromLocation(st.ResourceLocation)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = src.DeleteSnapshot(t.Context(), snapID) })
	t.Logf("took %s in %d polls", snapID, polls)

	// What the server writes must come back byte for byte.
	for path, v := range map[string]any{
		"/operations/" + opID:                    new(OperationStatus),
		"/snapshots/" + snapID:                   new(Snapshot),
		"/persongroups/" + groupID:               new(PersonGroup),
		"/persongroups/" + groupID + "/persons":  new([]Person),
		"/persongroups/" + groupID + "/training": new(TrainingStatus),
		"/persongroups/" + groupID + "/persons/" + personID + "/persistedfaces/" + faceID: new(PersistedFace),
	} {
		raw := rawGet(t, endpoint+"/face/v1.0"+path, key)
		if err := json.Unmarshal(raw, v); err != nil {
			t.Fatal(err)
		}
		if got, _ := json.Marshal(v); !bytes.Equal(got, raw) {
			t.Errorf("GET %s round trip:\n got %s\nwant %s", path, got, raw)
		}
	}

	var file bytes.Buffer
	if _, err := src.ExportSnapshot(ctx, snapID, &file); err != nil {
		t.Fatal(err)
	}
	imported, err := src.ImportSnapshot(ctx, bytes.NewReader(file.Bytes()), ImportSnapshotRequest{ApplyScope: []string{sub2}, UserData: "imported"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = src.DeleteSnapshot(t.Context(), imported.ID) })

	applyID, err := dst.ApplySnapshot(ctx, imported.ID, ApplySnapshotRequest{ObjectID: targetID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dst.WaitOperation(ctx, applyID, WaitOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = dst.PersonGroups().Delete(t.Context(), targetID) })
	persons, faces := 0, 0
	for p, err := range dst.PersonGroups().Persons(targetID).All(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		persons++
		faces += len(p.PersistedFaceIDs)
	}
	if persons != 3 || faces != 3 {
		t.Fatalf("target has %d persons, %d faces; want 3 and 3", persons, faces)
	}

	// CreateNew: a second apply to the same id fails with the reason.
	againID, err := dst.ApplySnapshot(ctx, snapID, ApplySnapshotRequest{ObjectID: targetID})
	if err != nil {
		t.Fatal(err)
	}
	_, err = dst.WaitOperation(ctx, againID, WaitOptions{})
	var failed *OperationFailedError
	if !errors.As(err, &failed) || failed.Message == "" {
		t.Fatalf("second apply: %v, want *OperationFailedError with a message", err)
	}
	t.Logf("second apply failed as expected: %s", failed.Message)

	ops, err := dst.ListOperations(ctx, ListOperationsOptions{Top: 2})
	if err != nil || len(ops) != 2 || ops[0].OperationID != againID {
		t.Fatalf("ListOperations = %+v, %v; want the second apply first", ops, err)
	}
}

func rawGet(t *testing.T, url, key string) []byte {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Ocp-Apim-Subscription-Key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s %v", url, resp.StatusCode, b, err)
	}
	return b
}

// testImage is a PNG of noise, larger than the API's 1 KB minimum.
func testImage(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 96, 96))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7919 % 251)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
