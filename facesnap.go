// Package facesnap holds the domain of a self-hosted Face API v1.0: accounts,
// face collections (FaceList, LargeFaceList, PersonGroup, LargePersonGroup),
// persons, persisted faces, training, snapshots and the asynchronous
// operations that take and apply them.
//
// It defines the types, the errors and the storage contracts (Store,
// BlobStore). It imports no driver, SDK or net/http: the packages sqlite,
// blob/dir, httpapi and the capability packages (collections, snapshots,
// operations) depend on it, never the other way round.
package facesnap

import (
	"regexp"
	"slices"
	"time"
)

// Kind is the type of a face collection. The values are the API's
// SnapshotObjectType names and are stored as they are, so they never change.
type Kind string

const (
	KindFaceList         Kind = "FaceList"
	KindLargeFaceList    Kind = "LargeFaceList"
	KindPersonGroup      Kind = "PersonGroup"
	KindLargePersonGroup Kind = "LargePersonGroup"
)

// Kinds lists every collection kind, in a stable order.
var Kinds = []Kind{KindFaceList, KindLargeFaceList, KindPersonGroup, KindLargePersonGroup}

// Valid reports whether k is one of the four kinds.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// HasPersons reports whether faces of this kind belong to persons rather than
// directly to the collection.
func (k Kind) HasPersons() bool { return k == KindPersonGroup || k == KindLargePersonGroup }

// MaxPerAccount is how many collections of the kind one account may hold;
// 0 means no limit. Only FaceLists are limited per account.
func (k Kind) MaxPerAccount() int {
	if k == KindFaceList {
		return MaxFaceListsPerAccount
	}
	return 0
}

// Trainable reports whether the kind must be trained before it is searched.
// A FaceList is searchable as soon as a face is added.
func (k Kind) Trainable() bool { return k != KindFaceList }

// Account owns collections. A request's subscription key selects it. The
// subscription id is what a snapshot's applyScope names.
type Account struct {
	Name           string // unique within a deployment
	SubscriptionID string // uuid
	ResourceGroup  string
}

// Path is the account's resource path, as a Snapshot's "account" field
// carries it.
func (a Account) Path() string {
	return "/subscriptions/" + a.SubscriptionID + "/resourceGroups/" + a.ResourceGroup +
		"/providers/Microsoft.CognitiveServices/accounts/" + a.Name
}

// Recognition and detection model names the service and its SDKs know.
const (
	DefaultRecognitionModel = "recognition_01"
	DefaultDetectionModel   = "detection_01"
)

// RecognitionModels and DetectionModels are the accepted model names,
// including those the newer SDKs send.
var (
	RecognitionModels = []string{"recognition_01", "recognition_02", "recognition_03", "recognition_04"}
	DetectionModels   = []string{"detection_01", "detection_02", "detection_03"}
)

// CollectionRef names a collection from the outside: the account that owns
// it, its kind and its user-chosen id.
type CollectionRef struct {
	Account string // Account.Name
	Kind    Kind
	ID      string
}

// Collection is a FaceList, LargeFaceList, PersonGroup or LargePersonGroup.
type Collection struct {
	CollectionRef
	Name             string
	UserData         string
	RecognitionModel string
	CreatedAt        time.Time
}

// Person belongs to a PersonGroup or LargePersonGroup.
type Person struct {
	ID       string // uuid
	Name     string
	UserData string
	FaceIDs  []string // persisted face ids, in the order they were added
}

// Rect is a face rectangle in image pixels.
type Rect struct {
	Left, Top, Width, Height int
}

// Face is a persisted face. The original image is never kept: only what
// describes the face.
type Face struct {
	ID             string // uuid
	PersonID       string // empty for faces that belong to a list
	UserData       string
	Rect           Rect
	DetectionModel string
	// Feature is the face descriptor from the face engine; nil until an
	// engine provides one.
	Feature []float32
	// Seq orders faces within a collection. Training records the highest
	// Seq it saw, which makes "the faces as of the last training" a plain
	// query and lets a snapshot carry trained state as data.
	Seq int64
	// CreatedAt is when the face was added.
	CreatedAt time.Time
}

// TrainingState is the TrainingStatus.status value. The API spells the
// first state "nonstarted"; the SDKs expect exactly that.
type TrainingState string

const (
	TrainingNotStarted TrainingState = "nonstarted"
	TrainingRunning    TrainingState = "running"
	TrainingSucceeded  TrainingState = "succeeded"
	TrainingFailed     TrainingState = "failed"
)

// Training is the state of a collection's training.
type Training struct {
	Status        TrainingState
	CreatedAt     time.Time // when the last train was requested
	LastActionAt  time.Time // zero until the training has done something
	LastSuccessAt time.Time // zero until a training has succeeded
	Message       string    // why it failed
	// TrainedSeq is the highest face Seq included by the last successful
	// training: faces with Seq <= TrainedSeq are searchable.
	TrainedSeq int64
}

// Unfinished reports a training that is queued or running.
func (t Training) Unfinished() bool {
	return t.Status == TrainingNotStarted || t.Status == TrainingRunning
}

// Limits of the service. They are the hosted service's documented numbers.
const (
	MaxIDLength              = 64
	MaxNameLength            = 128
	MaxUserDataLength        = 16384
	MaxFaceUserDataLength    = 1024
	MaxFaceListsPerAccount   = 64
	MaxFacesPerFaceList      = 1000
	MaxPersonsPerGroup       = 10000
	MaxPersonsPerLargeGroup  = 1000000
	MaxFacesPerLargeFaceList = 1000000
	MaxFacesPerPerson        = 248
	MaxListTop               = 1000
)

var idPattern = regexp.MustCompile(`^[a-z0-9\-_]+$`)

// ValidID reports whether id is a valid collection id.
func ValidID(id string) bool {
	return len(id) > 0 && len(id) <= MaxIDLength && idPattern.MatchString(id)
}

// Phrase is the kind's name as the service's messages spell it.
func (k Kind) Phrase() string { return ObjectOf(k).phrase() }
