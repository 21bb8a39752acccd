package client

import (
	"context"
	"fmt"
	"time"
)

// WaitOptions tunes WaitOperation. Zero fields take defaults.
type WaitOptions struct {
	// Progress, when set, is called with every status polled, the final
	// one included.
	Progress func(OperationStatus)
	// MinInterval is the first poll interval (default 500 ms). It doubles
	// while nothing changes, up to MaxInterval (default 10 s), and falls
	// back to MinInterval when the status or progress moves.
	MinInterval time.Duration
	MaxInterval time.Duration
}

// The poll intervals of WaitOptions' zero value.
const (
	DefaultMinInterval = 500 * time.Millisecond
	DefaultMaxInterval = 10 * time.Second
)

// OperationFailedError is returned by WaitOperation when the operation
// ends as failed. Message is the server's reason.
type OperationFailedError struct {
	OperationID string
	Message     string
	Status      OperationStatus
}

func (e *OperationFailedError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("operation %s failed", e.OperationID)
	}
	return fmt.Sprintf("operation %s failed: %s", e.OperationID, e.Message)
}

// WaitOperation polls an operation until it succeeds or fails, or ctx
// ends. It returns the final status; a failed operation also returns an
// *OperationFailedError. A Retry-After on a status response is honoured:
// the next poll comes no sooner, whatever MaxInterval says.
func (c *Client) WaitOperation(ctx context.Context, operationID string, opts WaitOptions) (OperationStatus, error) {
	minIv, maxIv := opts.MinInterval, opts.MaxInterval
	if minIv <= 0 {
		minIv = DefaultMinInterval
	}
	if maxIv <= 0 {
		maxIv = DefaultMaxInterval
	}
	maxIv = max(maxIv, minIv)

	interval := minIv
	var prev OperationStatus
	for first := true; ; first = false {
		st, h, err := c.getOperation(ctx, operationID)
		if err != nil {
			return st, fmt.Errorf("wait for operation %s: %w", operationID, err)
		}
		if opts.Progress != nil {
			opts.Progress(st)
		}
		switch st.Status {
		case OperationSucceeded:
			return st, nil
		case OperationFailed:
			return st, &OperationFailedError{OperationID: operationID, Message: st.Message, Status: st}
		}
		switch {
		case first:
		case moved(prev, st):
			interval = minIv
		default:
			interval = min(interval*2, maxIv)
		}
		prev = st
		wait := interval
		if ra, ok := parseRetryAfter(h.Get("Retry-After"), c.now()); ok {
			wait = max(wait, ra)
		}
		if err := c.sleep(ctx, wait); err != nil {
			return st, fmt.Errorf("wait for operation %s: %w", operationID, err)
		}
	}
}

// moved reports whether an operation advanced between two polls.
// LastActionTime is left out: it ticks while data moves, too often to
// say anything about progress.
func moved(a, b OperationStatus) bool {
	if a.Status != b.Status {
		return true
	}
	if (a.Progress == nil) != (b.Progress == nil) {
		return true
	}
	return a.Progress != nil && *a.Progress != *b.Progress
}
