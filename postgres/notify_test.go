package postgres_test

import (
	"context"
	"testing"
	"time"
)

// TestWakeOperations: a wake sent through one node's store reaches the
// listener of another node on the same schema, and not one on another
// schema.
func TestWakeOperations(t *testing.T) {
	t.Parallel()
	url := testURL(t)
	sender, receiver := open(t, url), open(t, url)
	other := open(t, testURL(t))

	ctx, cancel := context.WithCancel(t.Context())
	woken, otherWoken := make(chan struct{}, 100), make(chan struct{}, 100)
	done := make(chan struct{}, 2)
	go func() {
		receiver.ListenOperations(ctx, func() { woken <- struct{}{} }, func(err error) { t.Logf("listen: %v", err) })
		done <- struct{}{}
	}()
	go func() {
		other.ListenOperations(ctx, func() { otherWoken <- struct{}{} }, nil)
		done <- struct{}{}
	}()
	defer func() {
		cancel()
		<-done
		<-done
	}()

	// The listener may not be listening yet when the first wakes go out:
	// wake until it hears one, a bounded number of times.
	heard := false
	for i := 0; i < 100 && !heard; i++ {
		if err := sender.WakeOperations(t.Context()); err != nil {
			t.Fatalf("wake: %v", err)
		}
		select {
		case <-woken:
			heard = true
		case <-time.After(100 * time.Millisecond):
		}
	}
	if !heard {
		t.Fatalf("no wake reached the listener on the same schema in 100 tries")
	}
	// The other schema's listener is listening by now if a wake of its own
	// schema reaches it; then none of the first schema's wakes may have.
	for len(otherWoken) > 0 {
		<-otherWoken
	}
	heard = false
	for i := 0; i < 100 && !heard; i++ {
		if err := other.WakeOperations(t.Context()); err != nil {
			t.Fatalf("wake: %v", err)
		}
		select {
		case <-otherWoken:
			heard = true
		case <-time.After(100 * time.Millisecond):
		}
	}
	if !heard {
		t.Fatalf("no wake reached the listener on the other schema in 100 tries")
	}
	if err := sender.WakeOperations(t.Context()); err != nil {
		t.Fatalf("wake: %v", err)
	}
	// A wake of the first schema after the other listener listens: the
	// first listener hears it; the other must not have.
	select {
	case <-woken:
	case <-time.After(10 * time.Second):
		t.Fatalf("the listener missed a wake")
	}
	select {
	case <-otherWoken:
		t.Errorf("a wake on one schema woke the listener of another")
	default:
	}
}
