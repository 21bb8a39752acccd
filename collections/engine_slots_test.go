package collections_test

import (
	"context"
	"errors"
	"image"
	"sync"
	"sync/atomic"
	"testing"

	"facesnap"
	"facesnap/collections"
	"facesnap/engine"
)

// gatedEngine finds one face per image, each Detect waiting for a value on
// gate, and records how many ran at once.
type gatedEngine struct {
	gate         chan struct{}
	entered      chan struct{}
	running, max atomic.Int32
}

func (e *gatedEngine) Detect(ctx context.Context, img image.Image) ([]engine.Detection, error) {
	n := e.running.Add(1)
	defer e.running.Add(-1)
	for {
		m := e.max.Load()
		if n <= m || e.max.CompareAndSwap(m, n) {
			break
		}
	}
	e.entered <- struct{}{}
	<-e.gate
	return []engine.Detection{{Rect: facesnap.Rect{Left: 10, Top: 10, Width: 50, Height: 50}}}, nil
}

func (e *gatedEngine) Locate(ctx context.Context, img image.Image, r facesnap.Rect) (engine.Detection, error) {
	return engine.Detection{Rect: r}, nil
}

func (e *gatedEngine) Descriptor(ctx context.Context, img image.Image, det engine.Detection) ([]float32, error) {
	return make([]float32, engine.DescriptorSize), nil
}

func TestService_EngineConcurrency(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	eng := &gatedEngine{gate: make(chan struct{}), entered: make(chan struct{}, 8)}
	tb.svc.Engine, tb.svc.EngineConcurrency = eng, 1
	ctx := t.Context()
	tb.create(t, acct, facesnap.KindLargeFaceList, "lfl")
	add := collections.AddFaceParams{Kind: facesnap.KindLargeFaceList, CollectionID: "lfl", Image: pngImage(t, 200, 200)}

	const n = 3
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			_, err := tb.svc.AddFace(ctx, acct, add)
			errs <- err
		})
	}
	// Let the adds through one at a time; with one slot no two are ever
	// inside the engine together.
	for range n {
		<-eng.entered
		eng.gate <- struct{}{}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if m := eng.max.Load(); m != 1 {
		t.Errorf("%d images in the engine at once, want at most 1", m)
	}

	t.Run("WaitEndsWithContext", func(t *testing.T) {
		// One add holds the slot; a detect whose context is cancelled
		// while it waits gives up with the context's error.
		held := make(chan error, 1)
		go func() {
			_, err := tb.svc.AddFace(ctx, acct, add)
			held <- err
		}()
		<-eng.entered
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		// Detect reaches the engine without touching the store first.
		_, err := tb.svc.Detect(cctx, acct, collections.DetectParams{Image: add.Image})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		eng.gate <- struct{}{}
		if err := <-held; err != nil {
			t.Fatal(err)
		}
	})
}
