package facesnap

import "time"

// Detected faces live this long unless detect asks for less
// (faceIdTimeToLive, in seconds).
const (
	DetectedFaceTTL    = 24 * time.Hour
	MinDetectedFaceTTL = 60 * time.Second
)

// ObjectFace is a detected face, named by its faceId; the API reports a
// missing one as FaceNotFound.
const ObjectFace Object = "Face"

// DetectedFace is a face that detect found, kept under its faceId until it
// expires so that identify, verify and find-similar can name it. Unlike a
// persisted face it belongs to no collection, only to an account.
type DetectedFace struct {
	ID               string // the faceId, a uuid
	Account          string // Account.Name
	Rect             Rect
	DetectionModel   string
	RecognitionModel string
	Feature          []float32
	CreatedAt        time.Time
	ExpiresAt        time.Time
}
