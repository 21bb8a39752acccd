package sdktest

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/services/cognitiveservices/v1.0/face"
	"github.com/Azure/go-autorest/autorest"

	"facesnap/sdktest/harness"
)

// trainable adapts the three trainable kinds.
type trainable struct {
	group  kind
	train  func(ctx context.Context, c clients, id string) (autorest.Response, error)
	status func(ctx context.Context, c clients, id string) (face.TrainingStatus, error)
	// fill gives the collection something to train on.
	fill func(t *testing.T, ctx context.Context, c clients, id string)
}

var trainables = []trainable{
	{
		group: kinds[2],
		train: func(ctx context.Context, c clients, id string) (autorest.Response, error) {
			return c.PersonGroup.Train(ctx, id)
		},
		status: func(ctx context.Context, c clients, id string) (face.TrainingStatus, error) {
			return c.PersonGroup.GetTrainingStatus(ctx, id)
		},
		fill: func(t *testing.T, ctx context.Context, c clients, id string) {
			for i := 0; i < 2; i++ {
				p, err := c.PersonGroupPerson.Create(ctx, id, face.NameAndUserDataContract{Name: ptr("p")})
				must(t, err, "create person")
				_, err = c.PersonGroupPerson.AddFaceFromStream(ctx, id, *p.PersonID, rc(harness.PNG(t, 200, 200, uint64(20+i))), "", target, "")
				must(t, err, "add face")
			}
		},
	},
	{
		group: kinds[3],
		train: func(ctx context.Context, c clients, id string) (autorest.Response, error) {
			return c.LargePersonGroup.Train(ctx, id)
		},
		status: func(ctx context.Context, c clients, id string) (face.TrainingStatus, error) {
			return c.LargePersonGroup.GetTrainingStatus(ctx, id)
		},
		fill: func(t *testing.T, ctx context.Context, c clients, id string) {
			for i := 0; i < 2; i++ {
				p, err := c.LargePersonGroupPerson.Create(ctx, id, face.NameAndUserDataContract{Name: ptr("p")})
				must(t, err, "create person")
				_, err = c.LargePersonGroupPerson.AddFaceFromStream(ctx, id, *p.PersonID, rc(harness.PNG(t, 200, 200, uint64(30+i))), "", target, "")
				must(t, err, "add face")
			}
		},
	},
	{
		group: kinds[1],
		train: func(ctx context.Context, c clients, id string) (autorest.Response, error) {
			return c.LargeFaceList.Train(ctx, id)
		},
		status: func(ctx context.Context, c clients, id string) (face.TrainingStatus, error) {
			return c.LargeFaceList.GetTrainingStatus(ctx, id)
		},
		fill: func(t *testing.T, ctx context.Context, c clients, id string) {
			for i := 0; i < 2; i++ {
				_, err := c.LargeFaceList.AddFaceFromStream(ctx, id, rc(harness.PNG(t, 200, 200, uint64(40+i))), "", target, "")
				must(t, err, "add face")
			}
		},
	},
}

// pollTraining polls until the status is succeeded or failed, bounded in
// count and time. The interval is not an assertion: only the end state is.
func pollTraining(t *testing.T, ctx context.Context, tr trainable, c clients, id string) face.TrainingStatus {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var st face.TrainingStatus
	var seen []face.TrainingStatusType
	for i := 0; i < 600 && time.Now().Before(deadline); i++ {
		var err error
		st, err = tr.status(ctx, c, id)
		must(t, err, "get training status")
		if len(seen) == 0 || seen[len(seen)-1] != st.Status {
			seen = append(seen, st.Status)
		}
		switch st.Status {
		case face.TrainingStatusTypeSucceeded, face.TrainingStatusTypeFailed:
			return st
		case face.TrainingStatusTypeNonstarted, face.TrainingStatusTypeRunning:
		default:
			t.Fatalf("training status %q is not one of nonstarted, running, succeeded, failed", st.Status)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("training of %s did not finish within the polling bound; statuses seen %v", id, seen)
	return st
}

func TestTraining_Succeeds(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for _, tr := range trainables {
		t.Run(tr.group.name, func(t *testing.T) {
			ctx := ctxFor(t)
			id := "train-" + lower(tr.group.name)
			_, err := tr.group.create(ctx, tb.A, id, face.MetaDataContract{Name: ptr("trained")})
			must(t, err, "create")
			tr.fill(t, ctx, tb.A, id)

			r, err := tr.train(ctx, tb.A, id)
			must(t, err, "train")
			expectStatus(t, r, "train", http.StatusAccepted)

			st := pollTraining(t, ctx, tr, tb.A, id)
			if st.Status != face.TrainingStatusTypeSucceeded {
				t.Fatalf("training ended %q (message %s), want succeeded", st.Status, deref(st.Message))
			}
			if st.Created == nil || st.LastAction == nil || st.LastSuccessfulTraining == nil {
				t.Fatalf("succeeded status lacks times: created %v lastAction %v lastSuccessfulTraining %v", st.Created, st.LastAction, st.LastSuccessfulTraining)
			}
			if st.Message != nil {
				t.Errorf("succeeded status carries message %q", *st.Message)
			}
			created, last, success := st.Created.Time, st.LastAction.Time, st.LastSuccessfulTraining.Time
			if created.Location() != time.UTC || created.IsZero() {
				t.Errorf("createdDateTime %v is not a UTC time", created)
			}
			if last.Before(created) || success.Before(created) {
				t.Errorf("times out of order: created %v lastAction %v lastSuccessfulTraining %v", created, last, success)
			}
			if d := time.Since(created); d < -time.Minute || d > 10*time.Minute {
				t.Errorf("createdDateTime %v is not about now", created)
			}

			// Train again: a second run succeeds and moves lastSuccessfulTraining
			// forward (or leaves it equal, for a clock at coarse resolution).
			_, err = tr.train(ctx, tb.A, id)
			must(t, err, "train again")
			st2 := pollTraining(t, ctx, tr, tb.A, id)
			if st2.Status != face.TrainingStatusTypeSucceeded || st2.LastSuccessfulTraining == nil {
				t.Fatalf("second training ended %q", st2.Status)
			}
			if st2.LastSuccessfulTraining.Time.Before(success) {
				t.Errorf("lastSuccessfulTraining went back: %v then %v", success, st2.LastSuccessfulTraining.Time)
			}
		})
	}
}

// TestTraining_EmptyFails: training a collection with nothing in it is
// accepted (202) and then fails with a message, as the service does.
func TestTraining_EmptyFails(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for _, tr := range trainables {
		t.Run(tr.group.name, func(t *testing.T) {
			ctx := ctxFor(t)
			id := "empty-" + lower(tr.group.name)
			_, err := tr.group.create(ctx, tb.A, id, face.MetaDataContract{Name: ptr("empty")})
			must(t, err, "create")
			r, err := tr.train(ctx, tb.A, id)
			must(t, err, "train empty")
			expectStatus(t, r, "train empty", http.StatusAccepted)
			st := pollTraining(t, ctx, tr, tb.A, id)
			if st.Status != face.TrainingStatusTypeFailed {
				t.Fatalf("training an empty %s ended %q, want failed", tr.group.name, st.Status)
			}
			if deref(st.Message) == "" || st.Message == nil {
				t.Errorf("failed training has no message")
			}
			if st.Created == nil {
				t.Errorf("failed training has no createdDateTime")
			}
			if st.LastSuccessfulTraining != nil {
				t.Errorf("never-trained collection has lastSuccessfulTrainingDateTime %v", st.LastSuccessfulTraining)
			}
		})
	}
}

func TestTraining_Missing(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for _, tr := range trainables {
		t.Run(tr.group.name, func(t *testing.T) {
			ctx := ctxFor(t)
			_, err := tr.train(ctx, tb.A, "missing")
			expectAPIError(t, err, "train a missing collection", http.StatusNotFound, tr.group.notFound)
			_, err = tr.status(ctx, tb.A, "missing")
			expectAPIError(t, err, "training status of a missing collection", http.StatusNotFound, tr.group.notFound)
		})
	}
}
