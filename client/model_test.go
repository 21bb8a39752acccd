package client

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestModels_RoundTrip unmarshals each golden document into its model and
// marshals it back: the bytes must be the wire form (the document itself,
// or its .want.json when the spec writes it another way).
func TestModels_RoundTrip(t *testing.T) {
	t.Parallel()
	tests := map[string]func() any{
		"api_error":                       func() any { return new(APIError) },
		"apply_snapshot_request":          func() any { return new(ApplySnapshotRequest) },
		"detected_faces":                  func() any { return new([]DetectedFace) },
		"detected_faces_default":          func() any { return new([]DetectedFace) },
		"detected_faces_no_face_id":       func() any { return new([]DetectedFace) },
		"find_similar_request":            func() any { return new(FindSimilarRequest) },
		"find_similar_request_faceids":    func() any { return new(FindSimilarRequest) },
		"group_request":                   func() any { return new(GroupRequest) },
		"group_result":                    func() any { return new(GroupResult) },
		"group_result_no_messy":           func() any { return new(GroupResult) },
		"identify_request":                func() any { return new(IdentifyRequest) },
		"identify_request_zero_threshold": func() any { return new(IdentifyRequest) },
		"identify_results":                func() any { return new([]IdentifyResult) },
		"similar_faces":                   func() any { return new([]SimilarFace) },
		"similar_faces_faceids":           func() any { return new([]SimilarFace) },
		"verify_face_to_face_request":     func() any { return new(VerifyFaceToFaceRequest) },
		"verify_face_to_person_request":   func() any { return new(VerifyFaceToPersonRequest) },
		"verify_result":                   func() any { return new(VerifyResult) },
		"facelist":                        func() any { return new(FaceList) },
		"facelists":                       func() any { return new([]FaceList) },
		"largefacelist":                   func() any { return new(LargeFaceList) },
		"largefacelists":                  func() any { return new([]LargeFaceList) },
		"largepersongroup":                func() any { return new(LargePersonGroup) },
		"largepersongroups":               func() any { return new([]LargePersonGroup) },
		"metadata_contract":               func() any { return new(MetaDataContract) },
		"name_and_user_data_contract":     func() any { return new(NameAndUserDataContract) },
		"operation_status":                func() any { return new(OperationStatus) },
		"operation_status_failed":         func() any { return new(OperationStatus) },
		"operation_status_list":           func() any { return new([]OperationStatus) },
		"operation_status_notstarted":     func() any { return new(OperationStatus) },
		"operation_status_running":        func() any { return new(OperationStatus) },
		"operation_status_schema":         func() any { return new(OperationStatus) },
		"persistedface":                   func() any { return new(PersistedFace) },
		"persistedface_created":           func() any { return new(PersistedFace) },
		"persistedfaces":                  func() any { return new([]PersistedFace) },
		"person":                          func() any { return new(Person) },
		"person_created":                  func() any { return new(Person) },
		"person_no_faces":                 func() any { return new(Person) },
		"persongroup":                     func() any { return new(PersonGroup) },
		"persongroups":                    func() any { return new([]PersonGroup) },
		"persons":                         func() any { return new([]Person) },
		"snapshot":                        func() any { return new(Snapshot) },
		"snapshot_schema":                 func() any { return new(Snapshot) },
		"snapshots":                       func() any { return new([]Snapshot) },
		"take_snapshot_request":           func() any { return new(TakeSnapshotRequest) },
		"take_snapshot_request_schema":    func() any { return new(TakeSnapshotRequest) },
		"training_status":                 func() any { return new(TrainingStatus) },
		"training_status_nonstarted":      func() any { return new(TrainingStatus) },
		"training_status_persongroup":     func() any { return new(TrainingStatus) },
		"training_status_schema":          func() any { return new(TrainingStatus) },
		"update_face_request":             func() any { return new(UpdateFaceRequest) },
		"update_snapshot_request":         func() any { return new(UpdateSnapshotRequest) },
	}

	// Every document in testdata must be exercised.
	files, err := filepath.Glob("testdata/*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		if strings.HasSuffix(name, ".want") {
			continue
		}
		if _, ok := tests[name]; !ok {
			t.Errorf("testdata/%s.json has no model in the table", name)
		}
	}

	for name, newModel := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			in := readGolden(t, "testdata/"+name+".json")
			want := in
			if b, err := os.ReadFile("testdata/" + name + ".want.json"); err == nil {
				want = bytes.TrimSpace(b)
			}
			v := newModel()
			if err := json.Unmarshal(in, v); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			got, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("round trip:\n got %s\nwant %s", got, want)
			}
		})
	}
}

func readGolden(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSpace(b)
}

// TestOperationStatus_Fields checks the decoded values, not only the bytes.
func TestOperationStatus_Fields(t *testing.T) {
	t.Parallel()
	var st OperationStatus
	if err := json.Unmarshal(readGolden(t, "testdata/operation_status_running.json"), &st); err != nil {
		t.Fatal(err)
	}
	if st.Status != OperationRunning || st.Status.Finished() {
		t.Errorf("status %q, finished %v", st.Status, st.Status.Finished())
	}
	if st.Progress == nil || *st.Progress != (Progress{Done: 120, Total: 1000}) {
		t.Errorf("progress %+v", st.Progress)
	}
	if got := st.LastActionTime.Nanosecond(); got != 100 {
		t.Errorf("lastActionTime nanoseconds %d, want 100", got)
	}

	var ok OperationStatus
	if err := json.Unmarshal(readGolden(t, "testdata/operation_status.json"), &ok); err != nil {
		t.Fatal(err)
	}
	id, err := SnapshotIDFromLocation(ok.ResourceLocation)
	if err != nil || id != "e58b3f08-1e8b-4165-81df-aa9858f233dc" {
		t.Errorf("SnapshotIDFromLocation = %q, %v", id, err)
	}
	if ok.Message != "" || ok.Progress != nil {
		t.Errorf("success has message %q, progress %v", ok.Message, ok.Progress)
	}
}
