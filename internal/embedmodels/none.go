//go:build !embedmodels

package embedmodels

import "io/fs"

// weights is nil without the embedmodels tag: the binary carries none.
var weights fs.FS

// Enabled reports whether this binary carries the weights.
const Enabled = false
