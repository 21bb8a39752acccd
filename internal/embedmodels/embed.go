//go:build embedmodels

package embedmodels

import (
	"embed"
	"io/fs"
)

// embedded are the face engine's weights, copied here by
// scripts/build-embedded from what scripts/fetch-models verified.
//
//go:embed weights
var embedded embed.FS

var weights fs.FS = embedded

// Enabled reports whether this binary carries the weights.
const Enabled = true
