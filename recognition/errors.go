package recognition

import (
	"fmt"

	"facesnap"
)

// Error codes the recognition operations answer with 400, beside
// BadArgument. They are facesnap.InvalidError reasons: the API renders
// the reason as the code.
const (
	reasonFaceNotFound     facesnap.Reason = "FaceNotFound"
	reasonBothGroupIDs     facesnap.Reason = "PersonGroupIdAndLargePersonGroupIdBothNotNull"
	reasonNoGroupID        facesnap.Reason = "PersonGroupIdAndLargePersonGroupIdBothNull"
	reasonFaceListNotReady facesnap.Reason = "FaceListNotReady"
)

func invalid(r facesnap.Reason, format string, args ...any) error {
	return &facesnap.InvalidError{Reason: r, Message: fmt.Sprintf(format, args...)}
}

// NotTrainedError is a search of a collection that has no successful
// training: 400 PersonGroupNotTrained and the like.
type NotTrainedError struct {
	Kind    facesnap.Kind
	Message string
}

func (e *NotTrainedError) Error() string        { return e.Message }
func (e *NotTrainedError) Is(target error) bool { return target == facesnap.ErrInvalid }

// Code is the API error code.
func (e *NotTrainedError) Code() string { return string(e.Kind) + "NotTrained" }

func notTrained(k facesnap.Kind, id string) error {
	return &NotTrainedError{Kind: k, Message: fmt.Sprintf("%s '%s' is not trained.", k.Phrase(), id)}
}

// errIncompatibleModel refuses faces of another recognition model than the
// collection's (or than each other's), as the service does.
var errIncompatibleModel = facesnap.Invalidf("'recognitionModel' is incompatible.")

// groupNotFound is identify's answer to a group that does not exist: the
// service answers 400 there (404 elsewhere), since the group is an
// argument of the call rather than the resource of its path.
func groupNotFound(k facesnap.Kind, id string) error {
	return invalid(facesnap.Reason(string(k)+"NotFound"), "%s '%s' is not found.", k.Phrase(), id)
}
