package s3

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"facesnap/blob/internal/blobkey"
)

const (
	// smallSize is read first, into a buffer of its own, so that the
	// many small blobs (snapshot metas) never take a part buffer.
	smallSize = 32 << 10
	// maxParts is S3's limit on the parts of one upload.
	maxParts = 10000
	// abortTimeout bounds the abort of a failed upload, which runs even
	// when the Put's context is done.
	abortTimeout = 30 * time.Second
)

// Put stores r under key, replacing any blob there once r is read to its
// end. A blob of up to one part is sent in one PutObject; a larger one
// as a multipart upload, with at most s.concurrency parts in flight and
// one more being read, so memory stays below (concurrency+1) parts
// whatever the blob's size. If r, ctx or the bucket fails first, the
// upload is aborted and the key keeps what it had.
func (s *Store) Put(ctx context.Context, key string, r io.Reader) error {
	if err := blobkey.Check(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	r = ctxReader{ctx, r}

	small := make([]byte, smallSize)
	n, eof, err := fill(r, small)
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	if eof {
		return s.putObject(ctx, key, small[:n])
	}
	buf := s.parts.get()
	copy(buf, small)
	m, eof, err := fill(r, buf[n:])
	if err != nil {
		s.parts.put(buf)
		return fmt.Errorf("put %s: %w", key, err)
	}
	if eof {
		defer s.parts.put(buf)
		return s.putObject(ctx, key, buf[:n+m])
	}
	return s.putMultipart(ctx, key, r, buf)
}

// vanishedParentTries bounds the PutObjects of one small blob; see
// isVanishedParent.
const vanishedParentTries = 3

func (s *Store) putObject(ctx context.Context, key string, data []byte) error {
	var err error
	for range vanishedParentTries {
		_, err = s.client.PutObject(ctx, &s3api.PutObjectInput{
			Bucket:        aws.String(s.bucket),
			Key:           aws.String(s.prefix + key),
			Body:          bytes.NewReader(data),
			ContentLength: aws.Int64(int64(len(data))),
		})
		if !isVanishedParent(err) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("put %s: %w", key, putErr(ctx, err))
	}
	return nil
}

// isVanishedParent reports a 409 ExistingObjectIsDirectory. S3 servers
// that keep objects in a POSIX file system (versitygw) make a key's
// parent path a real directory and remove it when its last object goes;
// a Put that made the parent just before a concurrent Delete removed it
// then fails to link its file and answers with this code, although no
// directory is in the way. Sending the same bytes again succeeds. (Multipart uploads
// need nothing: their completion answers 500 there, which the SDK's
// retryer already repeats.) A key that really is a directory fails every
// try and the last answer is returned.
func isVanishedParent(err error) bool {
	var api smithy.APIError
	return errors.As(err, &api) && api.ErrorCode() == "ExistingObjectIsDirectory"
}

// putMultipart uploads first, a full part, and the rest of r as the
// parts of one multipart upload, then completes it, which makes the
// blob visible whole. On any failure it aborts the upload.
func (s *Store) putMultipart(ctx context.Context, key string, r io.Reader, first []byte) (err error) {
	created, err := s.client.CreateMultipartUpload(ctx, &s3api.CreateMultipartUploadInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(s.prefix + key),
	})
	if err != nil {
		s.parts.put(first)
		return fmt.Errorf("put %s: start upload: %w", key, putErr(ctx, err))
	}
	up := &upload{store: s, key: key, id: created.UploadId}
	defer func() {
		if err != nil {
			up.abort(ctx)
		}
	}()

	partCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, s.concurrency)
	var wg sync.WaitGroup
	buf, size, last := first, len(first), false
	for num := int32(1); ; num++ {
		if num > maxParts {
			up.fail(fmt.Errorf("larger than %d parts of %d bytes", maxParts, s.parts.size))
		}
		if up.failed() { // a part failed while this one was read
			s.parts.put(buf)
			break
		}
		sem <- struct{}{} // an upload slot; in-flight parts always end
		data := buf[:size]
		wg.Go(func() {
			defer func() { <-sem }()
			defer s.parts.put(data)
			if err := up.part(partCtx, num, data); err != nil {
				up.fail(err)
				cancel()
			}
		})
		if last {
			break
		}
		next := s.parts.get()
		n, eof, err := fill(r, next)
		if err != nil {
			s.parts.put(next)
			up.fail(err)
			cancel()
			break
		}
		if n == 0 {
			s.parts.put(next)
			break
		}
		buf, size, last = next, n, eof
	}
	wg.Wait()
	if err := up.err(); err != nil {
		return fmt.Errorf("put %s: %w", key, putErr(ctx, err))
	}
	if err := up.complete(ctx); err != nil {
		return fmt.Errorf("put %s: complete upload: %w", key, putErr(ctx, err))
	}
	return nil
}

// upload is one multipart upload under way.
type upload struct {
	store *Store
	key   string
	id    *string

	mu       sync.Mutex
	firstErr error
	done     []types.CompletedPart
}

func (u *upload) part(ctx context.Context, num int32, data []byte) error {
	out, err := u.store.client.UploadPart(ctx, &s3api.UploadPartInput{
		Bucket:        aws.String(u.store.bucket),
		Key:           aws.String(u.store.prefix + u.key),
		UploadId:      u.id,
		PartNumber:    aws.Int32(num),
		Body:          bytes.NewReader(data),
		ContentLength: aws.Int64(int64(len(data))),
	})
	if err != nil {
		return fmt.Errorf("part %d: %w", num, err)
	}
	u.mu.Lock()
	u.done = append(u.done, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(num)})
	u.mu.Unlock()
	return nil
}

// fail records the upload's first error; the others follow from it
// (parts cancelled because of it).
func (u *upload) fail(err error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.firstErr == nil {
		u.firstErr = err
	}
}

func (u *upload) err() error {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.firstErr
}

func (u *upload) failed() bool { return u.err() != nil }

func (u *upload) complete(ctx context.Context) error {
	slices.SortFunc(u.done, func(a, b types.CompletedPart) int {
		return cmp.Compare(aws.ToInt32(a.PartNumber), aws.ToInt32(b.PartNumber))
	})
	_, err := u.store.client.CompleteMultipartUpload(ctx, &s3api.CompleteMultipartUploadInput{
		Bucket:          aws.String(u.store.bucket),
		Key:             aws.String(u.store.prefix + u.key),
		UploadId:        u.id,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: u.done},
	})
	return err
}

// abort discards the upload's parts. It runs after ctx may have ended,
// so it has a context of its own; if it fails the upload stays
// incomplete, which no reader sees, until a lifecycle rule removes it.
func (u *upload) abort(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
	defer cancel()
	u.store.client.AbortMultipartUpload(ctx, &s3api.AbortMultipartUploadInput{
		Bucket:   aws.String(u.store.bucket),
		Key:      aws.String(u.store.prefix + u.key),
		UploadId: u.id,
	})
}

// putErr prefers the caller's context error to the SDK's report of it,
// so that callers can match context.Canceled.
func putErr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("%w (%v)", cerr, err)
	}
	return err
}

// fill reads r until b is full or r ends; eof reports the end.
func fill(r io.Reader, b []byte) (n int, eof bool, err error) {
	n, err = io.ReadFull(r, b)
	switch {
	case err == nil:
		return n, false, nil
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return n, true, nil
	}
	return n, false, err
}

// partPool keeps a few part buffers between Puts, so a store that takes
// snapshots one after another reuses the same memory.
type partPool struct {
	size int
	free chan []byte
}

// newPartPool keeps up to concurrency+1 buffers of size bytes: what one
// Put holds at most.
func newPartPool(size, concurrency int) *partPool {
	return &partPool{size: size, free: make(chan []byte, concurrency+1)}
}

func (p *partPool) get() []byte {
	select {
	case b := <-p.free:
		return b
	default:
		return make([]byte, p.size)
	}
}

func (p *partPool) put(b []byte) {
	select {
	case p.free <- b[:p.size]:
	default:
	}
}

// ctxReader stops a Put's reading when ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
