// Package collections holds the business rules of face collections
// (FaceList, LargeFaceList, PersonGroup, LargePersonGroup), their persons,
// persisted faces and training: ids, lengths, models, quotas, the service's
// messages. Callers (httpapi) only translate; the Store only stores.
package collections

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"facesnap"
)

// Fetcher downloads an image from a URL the caller gave (faceimage.Fetcher
// in production). Its errors are *facesnap.InvalidError.
type Fetcher interface {
	Fetch(ctx context.Context, url string) ([]byte, error)
}

// Notifier wakes the operations runner when work was enqueued.
type Notifier interface {
	Notify()
}

// Service implements the collection rules on a Store.
type Service struct {
	Store   facesnap.Store
	Fetcher Fetcher
	// Engine finds and describes faces; nil when the server has no
	// weights: adding a face then needs targetFace, and detect fails.
	Engine Engine
	// EngineConcurrency is how many images the engine works on at once
	// (default GOMAXPROCS); more requests wait their turn. Each holds a
	// decoded picture and the networks' buffers, so this bounds memory.
	EngineConcurrency int

	slotsOnce sync.Once
	slots     chan struct{}
	// Notifier may be nil: queued work is then found by the runner's poll.
	Notifier Notifier
	// Now is the clock; default time.Now. Times are truncated to 100 ns,
	// the precision the API shows (7 fractional digits).
	Now func() time.Time
	// NewID returns a new uuid for persons and faces; default random v4.
	NewID func() string
}

func (s *Service) now() time.Time {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	return now().UTC().Truncate(100 * time.Nanosecond)
}

func (s *Service) newID() string {
	if s.NewID != nil {
		return s.NewID()
	}
	return uuid.NewString()
}

func (s *Service) notify() {
	if s.Notifier != nil {
		s.Notifier.Notify()
	}
}

func ref(acct facesnap.Account, kind facesnap.Kind, id string) facesnap.CollectionRef {
	return facesnap.CollectionRef{Account: acct.Name, Kind: kind, ID: id}
}


func lowerPhrase(k facesnap.Kind) string { return strings.ToLower(k.Phrase()) }

// checkKind rejects a kind the caller made up; it is a programming error
// in the caller, not the client's, but must not reach the store.
func checkKind(k facesnap.Kind) error {
	if !k.Valid() {
		return fmt.Errorf("unknown collection kind %q", k)
	}
	return nil
}

// checkExistingID: an id that cannot exist is simply not found, as the
// service answers for a malformed id in a path.
func checkExistingID(k facesnap.Kind, id string) error {
	if err := checkKind(k); err != nil {
		return err
	}
	if !facesnap.ValidID(id) {
		return &facesnap.NotFoundError{Object: facesnap.ObjectOf(k), Message: k.Phrase() + " ID is invalid."}
	}
	return nil
}

// checkUUID answers a person or persisted face id that is not a uuid, and
// so cannot exist, before any lookup, as the service does: 404
// PersonNotFound "Person ID is invalid." (PersistedFaceNotFound for a
// face). The official clients validate uuids before sending; raw HTTP
// reaches this.
//
// It returns the id in lower case, as ids are made and stored: a uuid
// names the same object in either case.
func checkUUID(o facesnap.Object, id string) (string, error) {
	id = strings.ToLower(id)
	if !facesnap.ValidUUID(id) {
		what := "Person ID"
		if o == facesnap.ObjectPersistedFace {
			what = "Persisted face ID"
		}
		return "", &facesnap.NotFoundError{Object: o, Message: what + " is invalid."}
	}
	return id, nil
}

// RecognitionModel returns the model a collection is created with: the
// default when empty, an error for one the service does not know.
func RecognitionModel(m string) (string, error) {
	if m == "" {
		return facesnap.DefaultRecognitionModel, nil
	}
	if err := facesnap.CheckRecognitionModel(m); err != nil {
		return "", err
	}
	return m, nil
}

// DetectionModel returns the detection model of a new face.
func DetectionModel(m string) (string, error) {
	if m == "" {
		return facesnap.DefaultDetectionModel, nil
	}
	if err := facesnap.CheckDetectionModel(m); err != nil {
		return "", err
	}
	return m, nil
}

// Page is the start (exclusive) and top of a list.
type Page struct {
	Start string
	Top   int // 0: the default, MaxListTop
}

func (p Page) check() (Page, error) {
	if p.Top == 0 {
		p.Top = facesnap.MaxListTop
	}
	if p.Top < 1 || p.Top > facesnap.MaxListTop {
		return p, facesnap.Invalidf("Top parameter is invalid. Valid range is between 1 and %d inclusive.", facesnap.MaxListTop)
	}
	if len(p.Start) > facesnap.MaxIDLength {
		return p, facesnap.Invalidf("Parameter start is invalid: it is longer than %d characters.", facesnap.MaxIDLength)
	}
	if err := facesnap.CheckString("Parameter start", p.Start); err != nil {
		return p, err
	}
	return p, nil
}
