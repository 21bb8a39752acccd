package s3

import (
	"fmt"
	"net/url"
	"strings"

	"facesnap/blob/internal/blobkey"
)

// config is what a store URL says.
type config struct {
	bucket   string
	prefix   string // "" or ending in "/"
	endpoint string // "" for AWS itself
	region   string
}

// parseURL reads s3://BUCKET[/PREFIX]?endpoint=URL&region=NAME. Unknown
// parameters are refused, so a misspelt one does not silently send
// snapshots to AWS instead of the intended server.
func parseURL(rawURL string) (config, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return config{}, err
	}
	if u.Scheme != "s3" {
		return config{}, fmt.Errorf("scheme %q, want s3", u.Scheme)
	}
	if u.User != nil {
		return config{}, fmt.Errorf("credentials in the URL: use AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	}
	c := config{bucket: u.Host, region: "us-east-1"}
	if c.bucket == "" {
		return config{}, fmt.Errorf("no bucket: want s3://BUCKET")
	}
	if p := strings.Trim(u.Path, "/"); p != "" {
		if err := blobkey.Check(p); err != nil {
			return config{}, fmt.Errorf("prefix: %w", err)
		}
		c.prefix = p + "/"
	}
	for name, vals := range u.Query() {
		if len(vals) != 1 {
			return config{}, fmt.Errorf("parameter %s given %d times", name, len(vals))
		}
		switch v := vals[0]; name {
		case "endpoint":
			e, err := url.Parse(v)
			if err != nil || (e.Scheme != "http" && e.Scheme != "https") || e.Host == "" {
				return config{}, fmt.Errorf("endpoint %q: want http://HOST[:PORT] or https://…", v)
			}
			c.endpoint = v
		case "region":
			if v == "" {
				return config{}, fmt.Errorf("empty region")
			}
			c.region = v
		default:
			return config{}, fmt.Errorf("unknown parameter %q (known: endpoint, region)", name)
		}
	}
	return c, nil
}
