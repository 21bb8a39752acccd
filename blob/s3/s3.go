// Package s3 is a facesnap.BlobStore on an S3-compatible bucket, shared
// by deployments in several regions.
//
// It talks to the bucket through the AWS SDK for Go v2 (service/s3),
// which AWS keeps current with S3 and which speaks to any S3-compatible
// server given an endpoint. The SDK's own upload helper,
// feature/s3/manager, is deprecated by its makers (and reads a stream's
// first part with io.ReadAll, a growing buffer), and its successor
// (transfermanager) is not yet at 1.0; Put therefore drives the multipart
// upload itself with the SDK's calls, which also bounds its memory
// exactly: see put.go. gocloud.dev/blob/s3blob would have added a
// portable layer over the same SDK, with many more modules, and hidden
// the multipart calls that Put needs to control.
//
// A blob is an object at the key, under an optional prefix. Readers see
// whole blobs only: a small blob is one PutObject, a large one a
// multipart upload that S3 makes visible at once when it completes. A
// failed Put aborts its upload; a process killed during one leaves an
// incomplete upload, invisible to Get and List but holding storage until
// it is aborted, which a bucket lifecycle rule
// (AbortIncompleteMultipartUpload) does.
package s3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"facesnap"
	"facesnap/blob/internal/blobkey"
)

const (
	// defaultPartSize is the size of each part of a multipart upload
	// and of the buffers holding them. S3 allows 10,000 parts, so a
	// blob may reach 78 GiB.
	defaultPartSize = 8 << 20
	// defaultConcurrency is how many parts of one Put are in flight at
	// once. A Put holds at most concurrency+1 part buffers.
	defaultConcurrency = 2
	// listPageSize is the most keys one ListObjectsV2 call returns, the
	// S3 maximum.
	listPageSize = 1000
)

// Store keeps blobs in an S3 bucket.
type Store struct {
	client *s3api.Client
	bucket string
	prefix string

	concurrency int
	pageSize    int32
	parts       *partPool
}

var _ facesnap.BlobStore = (*Store)(nil)

// Open returns a Store for a URL of the form
//
//	s3://BUCKET[/PREFIX]?endpoint=http://127.0.0.1:9000&region=us-east-1
//
// Without endpoint it is AWS S3 itself; with one, an S3-compatible server
// addressed path-style (http://HOST/BUCKET/KEY), which such servers
// support without DNS set-up. region defaults to us-east-1. Credentials
// come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and, for temporary
// ones, AWS_SESSION_TOKEN. Open makes no request: a wrong bucket or
// credentials show on first use.
func Open(ctx context.Context, rawURL string) (*Store, error) {
	return open(ctx, rawURL, os.Getenv)
}

func open(_ context.Context, rawURL string, getenv func(string) string) (*Store, error) {
	cfg, err := parseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("s3 store %s: %w", redact(rawURL), err)
	}
	// Only the environment's keys are used, never the SDK's default
	// chain, which would also ask the instance metadata service at a
	// link-local address: a machine without keys gets this error
	// instead of a network call to somewhere unexpected.
	id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		return nil, fmt.Errorf("s3 store %s: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set", redact(rawURL))
	}
	opts := s3api.Options{
		Region:      cfg.region,
		Credentials: credentials.NewStaticCredentialsProvider(id, secret, getenv("AWS_SESSION_TOKEN")),
		// The SDK's default CRC checksums on every upload are not yet
		// understood by all S3-compatible servers; the signature already
		// covers each request's payload hash.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}
	if cfg.endpoint != "" {
		opts.BaseEndpoint = aws.String(cfg.endpoint)
		opts.UsePathStyle = true
	}
	return &Store{
		client:      s3api.New(opts),
		bucket:      cfg.bucket,
		prefix:      cfg.prefix,
		concurrency: defaultConcurrency,
		pageSize:    listPageSize,
		parts:       newPartPool(defaultPartSize, defaultConcurrency),
	}, nil
}

// Get opens the blob under key. The object is streamed: nothing is read
// before the caller reads.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := blobkey.Check(key); err != nil {
		return nil, err
	}
	out, err := s.client.GetObject(ctx, &s3api.GetObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(s.prefix + key),
	})
	if isNotFound(err) {
		return nil, blobkey.NotFound(key)
	}
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", key, err)
	}
	return &body{rc: out.Body}, nil
}

// body is an object's content as Get returns it. The HTTP body may
// return the last bytes together with io.EOF; body returns them alone
// and io.EOF on the next call, as a file does, since callers written
// against blob/dir may take any error with data as a failure. A
// connection that ends early is io.ErrUnexpectedEOF, never io.EOF.
type body struct {
	rc  io.ReadCloser
	eof bool
}

func (b *body) Read(p []byte) (int, error) {
	if b.eof {
		return 0, io.EOF
	}
	n, err := b.rc.Read(p)
	if n > 0 && err == io.EOF {
		b.eof = true
		return n, nil
	}
	return n, err
}

func (b *body) Close() error { return b.rc.Close() }

// Delete removes the blob under key.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := blobkey.Check(key); err != nil {
		return err
	}
	_, err := s.client.DeleteObject(ctx, &s3api.DeleteObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(s.prefix + key),
	})
	// S3 answers a missing key with success; some compatible servers
	// say NoSuchKey.
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	return nil
}

// List returns the keys that start with prefix, sorted, reading as many
// pages as the bucket returns.
func (s *Store) List(ctx context.Context, prefix string) ([]string, error) {
	if err := blobkey.CheckPrefix(prefix); err != nil {
		return nil, err
	}
	var keys []string
	p := s3api.NewListObjectsV2Paginator(s.client, &s3api.ListObjectsV2Input{
		Bucket:  aws.String(s.bucket),
		Prefix:  aws.String(s.prefix + prefix),
		MaxKeys: aws.Int32(s.pageSize),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", prefix, err)
		}
		for _, o := range page.Contents {
			k := strings.TrimPrefix(aws.ToString(o.Key), s.prefix)
			// A key ending in "/" is a folder marker that some tools
			// and servers make, never a blob (checkKey refuses it).
			if k == "" || strings.HasSuffix(k, "/") {
				continue
			}
			keys = append(keys, k)
		}
	}
	// S3 lists in UTF-8 byte order, which is Go's; not every
	// compatible server does.
	slices.Sort(keys)
	return keys, nil
}

// isNotFound reports whether err is S3's answer for a missing key: the
// typed NoSuchKey of GetObject, or a bare 404 code.
func isNotFound(err error) bool {
	if err == nil {
		return false
	}
	var nsk *types.NoSuchKey
	if errors.As(err, &nsk) {
		return true
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "NoSuchKey", "NotFound":
			return true
		}
	}
	return false
}

// redact drops anything but scheme, bucket and path from a URL for an
// error message; the query could someday carry a secret.
func redact(rawURL string) string {
	s, _, _ := strings.Cut(rawURL, "?")
	return s
}
