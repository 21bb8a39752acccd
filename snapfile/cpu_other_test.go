//go:build !unix

package snapfile

func cpuTime() int64 { return 0 }
