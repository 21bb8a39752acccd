package ivf

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// parallel runs fn(chunk) for chunk 0..chunks-1 on every core. Work is cut
// into fixed chunks and every result goes to a place fixed by its chunk,
// so the outcome never depends on the number of cores or on scheduling.
// It stops early, returning ctx's error, once ctx is done.
func parallel(ctx context.Context, chunks int, fn func(chunk int)) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), chunks) {
		wg.Go(func() {
			for ctx.Err() == nil {
				c := int(next.Add(1) - 1)
				if c >= chunks {
					return
				}
				fn(c)
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}

// progressMeter serialises progress calls from the workers.
type progressMeter struct {
	mu    sync.Mutex
	fn    func(done, total int64)
	done  int64
	total int64
}

func (p *progressMeter) add(n int64) {
	if p.fn == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	p.fn(p.done, p.total)
}
