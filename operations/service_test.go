package operations_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"facesnap"
	"facesnap/operations"
)

func TestService_Get(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	svc := &operations.Service{Store: b.store}
	acct := facesnap.Account{Name: "a"}
	op := facesnap.Operation{ID: uuid.NewString(), Account: "a", Kind: facesnap.OperationSnapshotTake, Status: facesnap.OperationNotStarted, CreatedAt: b.clock.Now()}
	if err := b.store.OperationCreate(ctx, op); err != nil {
		t.Fatal(err)
	}
	if err := b.store.AccountCreate(ctx, facesnap.Account{Name: "other", SubscriptionID: uuid.NewString(), ResourceGroup: "rg"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		acct    facesnap.Account
		id      string
		wantErr error
	}{
		{"OK", acct, op.ID, nil},
		// A uuid names the same operation in either case.
		{"UpperCase", acct, strings.ToUpper(op.ID), nil},
		{"OtherAccount", facesnap.Account{Name: "other"}, op.ID, facesnap.ErrNotFound},
		{"Missing", acct, uuid.NewString(), facesnap.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := svc.Get(ctx, tt.acct, tt.id)
			if !errors.Is(err, tt.wantErr) || (err == nil && got.ID != op.ID) {
				t.Fatalf("Get(%s) = %s, %v; want %s, %v", tt.id, got.ID, err, op.ID, tt.wantErr)
			}
		})
	}
}

func TestService_ListTop(t *testing.T) {
	b := setup(t)
	svc := &operations.Service{Store: b.store}
	acct := facesnap.Account{Name: "a"}
	for _, top := range []int{0, 1, facesnap.MaxListTop} {
		if _, err := svc.List(context.Background(), acct, time.Time{}, top); err != nil {
			t.Errorf("List(top %d) = %v", top, err)
		}
	}
	for _, top := range []int{-1, facesnap.MaxListTop + 1} {
		if _, err := svc.List(context.Background(), acct, time.Time{}, top); !errors.Is(err, facesnap.ErrInvalid) {
			t.Errorf("List(top %d) = %v, want ErrInvalid", top, err)
		}
	}
}
