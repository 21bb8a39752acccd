package client

import (
	"context"
	"fmt"
	"iter"
)

// maxTop is the largest page the API serves.
const maxTop = 1000

// all walks a paged list: each page starts after the last id of the one
// before, until a short page. It stops at the first error, which it yields.
func all[T any](ctx context.Context, list func(context.Context, PageOptions) ([]T, error), id func(T) string) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		start := ""
		for {
			page, err := list(ctx, PageOptions{Start: start, Top: maxTop})
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, v := range page {
				if !yield(v, nil) {
					return
				}
			}
			if len(page) < maxTop {
				return
			}
			next := id(page[len(page)-1])
			if next <= start {
				// A server that ignores start would loop forever.
				var zero T
				yield(zero, fmt.Errorf("list paging: next start %q does not follow %q", next, start))
				return
			}
			start = next
		}
	}
}
