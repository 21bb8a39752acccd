package sdktest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/services/cognitiveservices/v1.0/face"
	"github.com/gofrs/uuid"

	"facesnap/blob/dir"
	"facesnap/blob/sealed"
	"facesnap/sdktest/harness"
	"facesnap/snapfile"
)

// TestSnapshot_SealedStore: three processes share a --snapshot-store, two
// of them with the same store key and one with another. A take leaves
// nothing of the snapshot readable in the store's files (no descriptor,
// no subscription, no userData); the region with the same key applies it,
// the one with another key is told it cannot authenticate it.
func TestSnapshot_SealedStore(t *testing.T) {
	t.Parallel()
	store := t.TempDir()
	key, otherKey := randomStoreKey(), randomStoreKey()
	a, b, c := harness.NewAccount(), harness.NewAccount(), harness.NewAccount()
	region := func(acct harness.Account, key string) *harness.Server {
		return harness.Start(t, harness.Options{Accounts: []harness.Account{acct}, SnapshotStore: store,
			Env: []string{"FACESNAP_STORE_KEYS=" + key}, ExtraArgs: []string{"--models", modelsDir(t)}})
	}
	west, east, north := region(a, key), region(b, key), region(c, otherKey)
	A, B, C := newClients(west.Endpoint, a.Key), newClients(east.Endpoint, b.Key), newClients(north.Endpoint, c.Key)
	ctx := ctxFor(t)

	// Faces of a demo image, so that they have real descriptors.
	k := snapKindOf(face.SnapshotObjectTypeLargeFaceList)
	d := loadDemo(t, modelsDir(t), "sample4")
	_, err := A.LargeFaceList.Create(ctx, "sealed", face.MetaDataContract{Name: ptr("sealed")})
	must(t, err, "create")
	for i, b := range d.boxes {
		_, err := A.LargeFaceList.AddFaceFromStream(ctx, "sealed", rc(d.data), fmt.Sprint(i), []int32{int32(b.Left), int32(b.Top), int32(b.Width), int32(b.Height)}, "")
		must(t, err, "add face")
	}
	_, err = A.LargeFaceList.Train(ctx, "sealed")
	must(t, err, "train")
	waitTrained(t, ctx, func() (face.TrainingStatus, error) { return A.LargeFaceList.GetTrainingStatus(ctx, "sealed") })
	want := readSnapshotted(t, ctx, A, k.typ, "sealed", 1000, true)
	const marker = "userdata-that-must-not-be-stored-in-clear"
	snapID := takeAndWait(t, ctx, A, k.typ, "sealed", []uuid.UUID{subOf(b), subOf(c)}, marker)

	files := storeFiles(t, store)
	dataPath := filepath.Join(store, "snapshots", snapID.String(), "data")
	features := storedFeatures(t, store, key, "snapshots/"+snapID.String()+"/data")
	if len(features) == 0 {
		t.Fatal("the snapshot holds no descriptors to look for")
	}
	for path, raw := range files {
		if !bytes.HasPrefix(raw, []byte("FSSEAL01")) {
			t.Errorf("%s is not sealed", path)
		}
		for _, s := range []string{b.Subscription, c.Subscription, marker} {
			if bytes.Contains(raw, []byte(s)) {
				t.Errorf("%s holds %q in clear", path, s)
			}
		}
		for _, f := range features {
			if bytes.Contains(raw, f) {
				t.Fatalf("%s holds a face descriptor's bytes in clear", path)
			}
		}
	}
	if _, ok := files[dataPath]; !ok {
		t.Fatalf("no data file at %s among %d files", dataPath, len(files))
	}

	applyAndWait(t, ctx, B, k, snapID, "copy")
	compareSnapshotted(t, want, readSnapshotted(t, ctx, B, k.typ, "copy", 1000, true))

	_, err = C.Snapshot.Get(ctx, snapID)
	expectAPIError(t, err, "C gets the snapshot with another store key", http.StatusNotFound, "SnapshotNotFound")
	r := north.JSON(t, http.MethodPost, "/snapshots/"+snapID.String()+"/apply", c.Key, map[string]string{"objectId": "copy", "mode": "CreateNew"})
	r.ExpectError(t, "C applies the snapshot with another store key", http.StatusNotFound, "SnapshotNotFound")
	if !strings.Contains(string(r.Body), "cannot be authenticated") {
		t.Errorf("apply with another store key does not say why: %s", r)
	}
}

func randomStoreKey() string {
	k := make([]byte, sealed.KeySize)
	rand.Read(k)
	return base64.StdEncoding.EncodeToString(k)
}

// storeFiles reads every file under root.
func storeFiles(t *testing.T, root string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		out[path] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// storedFeatures opens the snapshot data with the store key and returns
// the first 16 bytes of each face's descriptor, as float32 little-endian:
// what a reader of the file in clear would find.
func storedFeatures(t *testing.T, root, key, blobKey string) [][]byte {
	t.Helper()
	inner, err := dir.New(root)
	if err != nil {
		t.Fatal(err)
	}
	kr, err := sealed.ParseKeys(key)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := (&sealed.Store{Inner: inner, Keys: kr}).Get(context.Background(), blobKey)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	r, err := snapfile.NewReader(rc)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out [][]byte
	for range 100000 {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if rec.Face == nil || len(rec.Face.Feature) < 4 {
			continue
		}
		var b []byte
		for _, v := range rec.Face.Feature[:4] {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
		}
		out = append(out, b)
	}
	t.Fatal("snapshot data did not end in 100000 records")
	return nil
}
