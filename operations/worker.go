// Package operations runs durable, asynchronous operations (snapshot take
// and apply, training) stored in a facesnap.Store.
package operations

import (
	"context"
	"errors"
	"fmt"

	"facesnap"
)

// Worker does the work of one operation kind. Work may run more than once
// for the same operation (after a crash, another runner redoes it), so it
// must be safe to redo: it cleans up what an earlier attempt left.
type Worker interface {
	Work(ctx context.Context, op *facesnap.Operation, progress Progress) (Result, error)
}

// Abandoner is a Worker whose operations leave state that must go when the
// runner gives up on one (its last attempt failed with an unexpected
// error), such as an apply's hidden, reserved target.
type Abandoner interface {
	Abandon(ctx context.Context, op *facesnap.Operation) error
}

// WorkerFunc adapts a function to Worker.
type WorkerFunc func(ctx context.Context, op *facesnap.Operation, progress Progress) (Result, error)

func (f WorkerFunc) Work(ctx context.Context, op *facesnap.Operation, progress Progress) (Result, error) {
	return f(ctx, op, progress)
}

// Result is what a successful operation reports.
type Result struct {
	ResourceLocation string
}

// Progress receives a worker's progress. The runner records it with the
// next heartbeat, which also advances lastActionTime.
type Progress interface {
	Set(done, total int64)
}

// FailError ends an operation as failed with a message the caller sees.
// Any other error from a worker is retried, and after the last attempt
// fails the operation with a generic message (the detail is logged).
type FailError struct {
	Message string
}

func (e *FailError) Error() string { return e.Message }

// Fail returns a FailError with a formatted message.
func Fail(format string, args ...any) error {
	return &FailError{Message: fmt.Sprintf(format, args...)}
}

// AsFail reports whether err is, or wraps, a FailError.
func AsFail(err error) (*FailError, bool) {
	var fe *FailError
	ok := errors.As(err, &fe)
	return fe, ok
}
