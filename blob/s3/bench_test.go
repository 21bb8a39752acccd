package s3_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"facesnap"
	"facesnap/blob/dir"
	"facesnap/blob/s3"
	"facesnap/internal/cputime"
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

// cpuMeter reports the CPU time of this process and, when
// FACESNAP_S3_PID names the server's (scripts/start-s3 exports it), of
// the server, per op: steadier figures than wall time on a shared
// machine.
type cpuMeter struct {
	self, server time.Duration
}

func startCPU(server bool) cpuMeter {
	c := cpuMeter{cputime.Self(), -1}
	if server {
		c.server = serverCPU()
	}
	return c
}

func (c cpuMeter) report(b *testing.B) {
	n := float64(b.N)
	b.ReportMetric(float64((cputime.Self()-c.self).Milliseconds())/n, "client-cpu-ms/op")
	if c.server >= 0 {
		b.ReportMetric(float64((serverCPU()-c.server).Milliseconds())/n, "server-cpu-ms/op")
	}
}

// serverCPU is the CPU time of the server FACESNAP_S3_PID names; -1
// when unknown.
func serverCPU() time.Duration {
	pid, err := strconv.Atoi(os.Getenv("FACESNAP_S3_PID"))
	if err != nil {
		return -1
	}
	d, ok := cputime.Process(pid)
	if !ok {
		return -1
	}
	return d
}

// BenchmarkStore streams a 256 MiB blob in and out of the S3 store on the
// server FACESNAP_TEST_S3_URL names, with 1, 2 (the default) and 4 parts
// in flight, and of blob/dir on the local disk for scale:
//
//	eval "$(scripts/start-s3)"
//	go test -run '^$' -bench . -benchtime 3x -count 5 ./blob/s3/
func BenchmarkStore(b *testing.B) {
	ctx := context.Background()
	run := func(b *testing.B, s facesnap.BlobStore, server bool) {
		b.Run("Put", func(b *testing.B) {
			b.SetBytes(benchSize)
			cpu := startCPU(server)
			for b.Loop() {
				if err := s.Put(ctx, "bench/data", newBlockReader(benchSize)); err != nil {
					b.Fatal(err)
				}
			}
			cpu.report(b)
		})
		b.Run("Get", func(b *testing.B) {
			if err := s.Put(ctx, "bench/data", newBlockReader(benchSize)); err != nil {
				b.Fatal(err)
			}
			buf := make([]byte, 256<<10)
			b.SetBytes(benchSize)
			cpu := startCPU(server)
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
			cpu.report(b)
		})
	}
	for _, c := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("S3/Concurrency%d", c), func(b *testing.B) {
			s := open(b)
			s3.SetConcurrency(s, c)
			run(b, s, true)
		})
	}
	b.Run("Dir", func(b *testing.B) {
		s, err := dir.New(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		run(b, s, false)
	})
}
