package facesnap

import (
	"errors"
	"fmt"
)

// The errors callers test with errors.Is. Each typed error below matches one
// of them, so a store can return ErrNotFound and a service can add detail.
var (
	ErrNotFound = errors.New("not found")
	ErrExists   = errors.New("already exists")
	ErrQuota    = errors.New("quota exceeded")
	ErrInvalid  = errors.New("invalid argument")
	ErrConflict = errors.New("conflict")
)

// Object names what a NotFoundError or ExistsError is about. The API builds
// its error codes from them (PersonGroupNotFound, PersonGroupExists).
type Object string

const (
	ObjectFaceList         Object = "FaceList"
	ObjectLargeFaceList    Object = "LargeFaceList"
	ObjectPersonGroup      Object = "PersonGroup"
	ObjectLargePersonGroup Object = "LargePersonGroup"
	ObjectPerson           Object = "Person"
	ObjectPersistedFace    Object = "PersistedFace"
	ObjectSnapshot         Object = "Snapshot"
	ObjectOperation        Object = "Operation"
	ObjectAccount          Object = "Account"
)

// ObjectOf returns the Object a collection kind is.
func ObjectOf(k Kind) Object { return Object(k) }

// NotFoundError says an object does not exist, or is not visible to the
// caller (one account never learns about another's objects).
type NotFoundError struct {
	Object  Object
	Message string
}

func (e *NotFoundError) Error() string        { return e.Message }
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// ExistsError says an object with that id exists already.
type ExistsError struct {
	Object  Object
	Message string
}

func (e *ExistsError) Error() string        { return e.Message }
func (e *ExistsError) Is(target error) bool { return target == ErrExists }

// Reason classifies an InvalidError. Each maps to one API error code.
type Reason string

const (
	ReasonBadArgument      Reason = "BadArgument"
	ReasonInvalidImage     Reason = "InvalidImage"
	ReasonInvalidImageSize Reason = "InvalidImageSize"
	ReasonInvalidURL       Reason = "InvalidURL"
)

// InvalidError is a request the caller must change. Message is safe to show.
type InvalidError struct {
	Reason  Reason
	Message string
}

func (e *InvalidError) Error() string        { return e.Message }
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

// Invalidf returns a BadArgument InvalidError.
func Invalidf(format string, args ...any) error {
	return &InvalidError{Reason: ReasonBadArgument, Message: fmt.Sprintf(format, args...)}
}

// QuotaError says a limit of the service was reached.
type QuotaError struct {
	Message string
}

func (e *QuotaError) Error() string        { return e.Message }
func (e *QuotaError) Is(target error) bool { return target == ErrQuota }

// ConflictError says the object is busy with another change, for example
// a reserved id or an operation that lost its lease. Message is safe to show.
type ConflictError struct {
	Message string
}

func (e *ConflictError) Error() string        { return e.Message }
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// NotFound returns the NotFoundError for object id, worded as the service
// words it.
func NotFound(o Object, id string) error {
	return &NotFoundError{Object: o, Message: fmt.Sprintf("%s '%s' is not found.", o.phrase(), id)}
}

// Exists returns the ExistsError for object id, worded as the service words
// it.
func Exists(o Object, id string) error {
	return &ExistsError{Object: o, Message: fmt.Sprintf("%s '%s' already exists.", o.phrase(), id)}
}

// phrase is the object's name as the service's messages spell it.
func (o Object) phrase() string {
	switch o {
	case ObjectFaceList:
		return "Face list"
	case ObjectLargeFaceList:
		return "Large face list"
	case ObjectPersonGroup:
		return "Person group"
	case ObjectLargePersonGroup:
		return "Large person group"
	case ObjectPersistedFace:
		return "Persisted face"
	}
	return string(o)
}
