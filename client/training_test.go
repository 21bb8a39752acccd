package client

import (
	"context"
	"errors"
	"testing"
	"time"
)

func trainingReply(status string) reply {
	return reply{status: 200, body: `{"status":"` + status + `","createdDateTime":"2026-11-29T12:00:00.0000000Z"}`}
}

func TestTraining_WaitTraining(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		opts         WaitTrainingOptions
		replies      []reply
		cancelAfter  int // polls after which the context is cancelled; 0 never
		wantProgress []TrainingStatusType
		wantSleep    []time.Duration
		wantStatus   TrainingStatusType
		wantErr      func(error) bool
	}{
		{
			name:         "Succeeds",
			opts:         WaitTrainingOptions{Interval: 200 * time.Millisecond},
			replies:      []reply{trainingReply("nonstarted"), trainingReply("running"), trainingReply("succeeded")},
			wantProgress: []TrainingStatusType{TrainingNonStarted, TrainingRunning, TrainingSucceeded},
			wantSleep:    []time.Duration{200 * time.Millisecond, 200 * time.Millisecond},
			wantStatus:   TrainingSucceeded,
		},
		{
			name:         "DefaultInterval",
			replies:      []reply{trainingReply("running"), trainingReply("succeeded")},
			wantProgress: []TrainingStatusType{TrainingRunning, TrainingSucceeded},
			wantSleep:    []time.Duration{DefaultMinInterval},
			wantStatus:   TrainingSucceeded,
		},
		{
			name:         "FailedIsAStatus",
			replies:      []reply{trainingReply("running"), trainingReply("failed")},
			wantProgress: []TrainingStatusType{TrainingRunning, TrainingFailed},
			wantSleep:    []time.Duration{DefaultMinInterval},
			wantStatus:   TrainingFailed,
		},
		{
			name:    "NotFound",
			replies: []reply{jsonError(404, "PersonGroupNotFound", "Person group is not found.")},
			wantErr: func(err error) bool {
				var e *Error
				return errors.As(err, &e) && e.Code == "PersonGroupNotFound"
			},
		},
		{
			name:         "Canceled",
			replies:      []reply{trainingReply("running")},
			cancelAfter:  2,
			wantProgress: []TrainingStatusType{TrainingRunning, TrainingRunning},
			wantSleep:    []time.Duration{DefaultMinInterval, DefaultMinInterval},
			wantStatus:   TrainingRunning,
			wantErr:      func(err error) bool { return errors.Is(err, context.Canceled) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, replies(tt.replies...))
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			var progress []TrainingStatusType
			tt.opts.Progress = func(st TrainingStatus) {
				progress = append(progress, st.Status)
				if len(progress) == tt.cancelAfter {
					cancel()
				}
			}
			st, err := b.c.PersonGroups().WaitTraining(ctx, "g", tt.opts)
			if tt.wantErr != nil {
				if !tt.wantErr(err) {
					t.Fatalf("err = %v, not the one wanted", err)
				}
			} else if err != nil {
				t.Fatalf("err = %v", err)
			}
			checkPolls(t, b, "/face/v1.0/persongroups/g/training", st.Status, tt.wantStatus, progress, tt.wantProgress, tt.wantSleep)
		})
	}
}
