package client

// DetectionModel names the face detector used when adding a face.
type DetectionModel string

const (
	Detection01 DetectionModel = "detection_01" // the service's default
	Detection02 DetectionModel = "detection_02"
	Detection03 DetectionModel = "detection_03"
)

// PersistedFace is a face stored in a face list or for a person.
type PersistedFace struct {
	PersistedFaceID string `json:"persistedFaceId"`
	UserData        string `json:"userData,omitempty"`
}

// UpdateFaceRequest is the body that updates a persisted face.
type UpdateFaceRequest struct {
	UserData string `json:"userData,omitempty"`
}

// FaceRectangle is the targetFace of an add: the one face to take from an
// image with several.
type FaceRectangle struct {
	Left, Top, Width, Height int
}
