package s3

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"
)

// SetPartSize makes s upload parts of size bytes, so tests reach the
// multipart path with small blobs. S3 wants parts of at least 5 MiB.
func SetPartSize(s *Store, size int) {
	s.parts = newPartPool(size, s.concurrency)
}

// SetConcurrency makes s upload n parts of a Put at once.
func SetConcurrency(s *Store, n int) {
	s.concurrency = n
	s.parts = newPartPool(s.parts.size, n)
}

// SetPageSize makes List read pages of n keys.
func SetPageSize(s *Store, n int32) { s.pageSize = n }

// PendingUploads returns the keys of the multipart uploads under s's
// prefix that were started and neither completed nor aborted.
func PendingUploads(ctx context.Context, s *Store) ([]string, error) {
	out, err := s.client.ListMultipartUploads(ctx, &s3api.ListMultipartUploadsInput{
		Bucket: aws.String(s.bucket),
		Prefix: aws.String(s.prefix),
	})
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, u := range out.Uploads {
		keys = append(keys, aws.ToString(u.Key))
	}
	return keys, nil
}
