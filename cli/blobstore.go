package cli

import (
	"context"
	"strings"

	"facesnap"
	"facesnap/blob/dir"
	"facesnap/blob/s3"
)

// openBlobStore opens the snapshot store spec names: an S3-compatible
// bucket for s3://BUCKET[/PREFIX]?endpoint=…&region=… (keys from
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or else a directory,
// created if needed. Another URL scheme is refused rather than taken for
// a directory named "gs:".
func openBlobStore(ctx context.Context, spec string) (facesnap.BlobStore, error) {
	switch {
	case strings.HasPrefix(spec, "s3://"):
		// Open only reads the URL and the environment: what fails here
		// is the command line's or the environment's mistake.
		s, err := s3.Open(ctx, spec)
		if err != nil {
			return nil, usageErr(err)
		}
		return s, nil
	case strings.Contains(spec, "://"):
		return nil, usageErrorf("--snapshot-store %q: want a directory or an s3:// URL", spec)
	}
	return dir.New(spec)
}
