// Package blobkey holds the rules for blob keys that every
// facesnap.BlobStore applies, so that a key valid on one store is valid
// on all of them.
package blobkey

import (
	"fmt"
	"slices"
	"strings"

	"facesnap"
)

// TempPrefix starts the name of a blob/dir file being written. No key
// segment may start with it, so a temporary file is never mistaken for a
// blob.
const TempPrefix = ".facesnap-tmp-"

// Check refuses all but a relative, slash-separated path of segments
// other than "", "." and "..", without backslash or NUL, none starting
// with TempPrefix: no key reaches outside a store's root.
func Check(key string) error {
	if key == "" {
		return Invalid(key, "is empty")
	}
	if strings.ContainsAny(key, "\\\x00") {
		return Invalid(key, "contains a backslash or NUL")
	}
	for seg := range strings.SplitSeq(key, "/") {
		switch {
		case seg == "":
			return Invalid(key, "has an empty segment or a leading or trailing '/'")
		case seg == "." || seg == "..":
			return Invalid(key, "has a '.' or '..' segment")
		case strings.HasPrefix(seg, TempPrefix):
			return Invalid(key, "uses the temporary file prefix")
		}
	}
	return nil
}

// CheckPrefix refuses a List prefix that is absolute or has a ".."
// segment. A prefix need not end at a segment.
func CheckPrefix(prefix string) error {
	if strings.HasPrefix(prefix, "/") || slices.Contains(strings.Split(prefix, "/"), "..") {
		return Invalid(prefix, "must be a relative path without '..'")
	}
	return nil
}

// Invalid is the error of a key that breaks a rule.
func Invalid(key, why string) error {
	return fmt.Errorf("blob key %q %s: %w", key, why, facesnap.ErrInvalid)
}

// NotFound is the error of a key that names no blob.
func NotFound(key string) error {
	return fmt.Errorf("blob %s: %w", key, facesnap.ErrNotFound)
}
