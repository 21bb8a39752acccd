package snapshots_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"facesnap"
	"facesnap/snapshots"
)

// TestApply_Mode: a request that leaves mode out gets the spec's default,
// CreateNew (the Go client omits it when unset; the JS and Python clients
// send "CreateNew"); any value present must be CreateNew, "" included.
func TestApply_Mode(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	ref := seed(t, b.store, acctA, facesnap.KindFaceList, "fl", 0, 1)
	snapID := take(t, b, ref, acctB.SubscriptionID)
	mode := func(s string) *string { return &s }
	tests := []struct {
		name string
		mode *string
		want error
	}{
		{"Omitted", nil, nil},
		{"CreateNew", mode("CreateNew"), nil},
		{"ErrEmpty", mode(""), facesnap.ErrInvalid},
		{"ErrLowercase", mode("createnew"), facesnap.ErrInvalid},
		{"ErrReplace", mode("Replace"), facesnap.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := b.svc.Apply(ctx, acctB, snapID, snapshots.ApplyParams{ObjectID: "copy-" + strings.ToLower(tt.name), Mode: tt.mode})
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}
