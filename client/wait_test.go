package client

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func opReply(body string, retryAfter string) reply {
	r := reply{status: 200, body: body}
	if retryAfter != "" {
		r.header = map[string]string{"Retry-After": retryAfter}
	}
	return r
}

const (
	opCreated    = `"createdTime":"2026-11-29T11:41:02.2331413Z"`
	opNotStarted = `{"status":"notstarted",` + opCreated + `}`
	opRunning1   = `{"status":"running",` + opCreated + `,"lastActionTime":"2026-11-29T11:41:03.0000000Z","progress":{"done":1,"total":10}}`
	opRunning5   = `{"status":"running",` + opCreated + `,"lastActionTime":"2026-11-29T11:41:04.0000000Z","progress":{"done":5,"total":10}}`
	opSucceeded  = `{"status":"succeeded",` + opCreated + `,"lastActionTime":"2026-11-29T11:41:05.0000000Z","resourceLocation":"/snapshots/` + snapshotID + `","progress":{"done":10,"total":10}}`
	opFailed     = `{"status":"failed",` + opCreated + `,"lastActionTime":"2026-11-29T11:41:05.0000000Z","message":"Target person group target already exists."}`
)

func TestClient_WaitOperation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		opts         WaitOptions
		replies      []reply
		wantProgress []string // status:done/total of each callback
		wantSleep    []time.Duration
		wantStatus   OperationStatusType
		wantMessage  string // of the *OperationFailedError
	}{
		{
			name: "SucceedsHonouringRetryAfter",
			replies: []reply{
				opReply(opNotStarted, "1"), opReply(opRunning1, "1"), opReply(opRunning5, "1"), opReply(opSucceeded, ""),
			},
			wantProgress: []string{"notstarted:-", "running:1/10", "running:5/10", "succeeded:10/10"},
			wantSleep:    []time.Duration{time.Second, time.Second, time.Second},
			wantStatus:   OperationSucceeded,
		},
		{
			name: "BacksOffWhileStalled",
			opts: WaitOptions{MinInterval: 100 * time.Millisecond, MaxInterval: 300 * time.Millisecond},
			replies: []reply{
				opReply(opRunning1, ""), opReply(opRunning1, ""), opReply(opRunning1, ""), opReply(opRunning1, ""),
				opReply(opRunning5, ""), opReply(opSucceeded, ""),
			},
			wantProgress: []string{"running:1/10", "running:1/10", "running:1/10", "running:1/10", "running:5/10", "succeeded:10/10"},
			wantSleep: []time.Duration{
				100 * time.Millisecond, 200 * time.Millisecond, 300 * time.Millisecond, 300 * time.Millisecond,
				100 * time.Millisecond, // progress moved: back to MinInterval
			},
			wantStatus: OperationSucceeded,
		},
		{
			name:         "RetryAfterBeyondMaxInterval",
			opts:         WaitOptions{MinInterval: 100 * time.Millisecond, MaxInterval: 200 * time.Millisecond},
			replies:      []reply{opReply(opRunning1, "5"), opReply(opSucceeded, "")},
			wantProgress: []string{"running:1/10", "succeeded:10/10"},
			wantSleep:    []time.Duration{5 * time.Second},
			wantStatus:   OperationSucceeded,
		},
		{
			name:         "Failed",
			replies:      []reply{opReply(opRunning1, "1"), opReply(opFailed, "")},
			wantProgress: []string{"running:1/10", "failed:-"},
			wantSleep:    []time.Duration{time.Second},
			wantStatus:   OperationFailed,
			wantMessage:  "Target person group target already exists.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, replies(tt.replies...))
			var progress []string
			tt.opts.Progress = func(st OperationStatus) { progress = append(progress, progressString(st)) }
			st, err := b.c.WaitOperation(t.Context(), operationID, tt.opts)

			var failed *OperationFailedError
			if tt.wantMessage != "" {
				if !errors.As(err, &failed) || failed.Message != tt.wantMessage || failed.OperationID != operationID {
					t.Fatalf("err = %v, want *OperationFailedError with %q", err, tt.wantMessage)
				}
			} else if err != nil {
				t.Fatalf("err = %v", err)
			}
			checkPolls(t, b, "/face/v1.0/operations/"+operationID, st.Status, tt.wantStatus, progress, tt.wantProgress, tt.wantSleep)
		})
	}
}

func progressString(st OperationStatus) string {
	if st.Progress == nil {
		return string(st.Status) + ":-"
	}
	return fmt.Sprintf("%s:%d/%d", st.Status, st.Progress.Done, st.Progress.Total)
}

func TestClient_WaitOperationCanceled(t *testing.T) {
	t.Parallel()
	b := setup(t, replies(opReply(opRunning1, "1")))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	polls := 0
	_, err := b.c.WaitOperation(ctx, operationID, WaitOptions{Progress: func(OperationStatus) {
		polls++
		if polls == 3 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if polls != 3 {
		t.Errorf("%d polls, want 3", polls)
	}
}

func TestClient_WaitOperationNotFound(t *testing.T) {
	t.Parallel()
	b := setup(t, replies(jsonError(404, "OperationNotFound", "Operation is not found.")))
	_, err := b.c.WaitOperation(t.Context(), operationID, WaitOptions{})
	var e *Error
	if !errors.As(err, &e) || e.Code != "OperationNotFound" {
		t.Fatalf("err = %v, want the 404", err)
	}
}
