//go:build !unix

package cputime

import "time"

// Self is 0 where getrusage does not exist.
func Self() time.Duration { return 0 }
