package s3_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"facesnap"
	"facesnap/blob/dir"
	"facesnap/blob/s3"
)

// benchSize is a snapshot's data of some 100,000 faces.
const benchSize = 256 << 20

// blockReader yields size bytes by repeating one random MiB, so that
// making the data costs next to nothing beside storing it.
type blockReader struct {
	block []byte
	left  int64
}

func newBlockReader(size int64) *blockReader {
	block := make([]byte, 1<<20)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range block {
		block[i] = byte(r.Uint32())
	}
	return &blockReader{block: block, left: size}
}

func (r *blockReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	off := int(int64(len(r.block)) - r.left%int64(len(r.block)))
	n := copy(p[:min(int64(len(p)), r.left)], r.block[off%len(r.block):])
	r.left -= int64(n)
	return n, nil
}

// BenchmarkStore streams a 256 MiB blob in and out of the S3 store on the
// server FACESNAP_TEST_S3_URL names, with 1, 2 (the default) and 4 parts
// in flight, and of blob/dir on the local disk for scale:
//
//	eval "$(scripts/start-s3)"
//	go test -run '^$' -bench . -benchtime 3x -count 5 ./blob/s3/
func BenchmarkStore(b *testing.B) {
	ctx := context.Background()
	run := func(b *testing.B, s facesnap.BlobStore) {
		b.Run("Put", func(b *testing.B) {
			b.SetBytes(benchSize)
			for b.Loop() {
				if err := s.Put(ctx, "bench/data", newBlockReader(benchSize)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("Get", func(b *testing.B) {
			if err := s.Put(ctx, "bench/data", newBlockReader(benchSize)); err != nil {
				b.Fatal(err)
			}
			buf := make([]byte, 256<<10)
			b.SetBytes(benchSize)
			for b.Loop() {
				rc, err := s.Get(ctx, "bench/data")
				if err != nil {
					b.Fatal(err)
				}
				n, err := io.CopyBuffer(io.Discard, rc, buf)
				rc.Close()
				if err != nil || n != benchSize {
					b.Fatalf("read %d bytes, %v", n, err)
				}
			}
		})
	}
	for _, c := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("S3/Concurrency%d", c), func(b *testing.B) {
			s := open(b)
			s3.SetConcurrency(s, c)
			run(b, s)
		})
	}
	b.Run("Dir", func(b *testing.B) {
		s, err := dir.New(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		run(b, s)
	})
}
