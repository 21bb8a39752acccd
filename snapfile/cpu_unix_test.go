//go:build unix

package snapfile

import "syscall"

// cpuTime is the CPU time the process has used, in ns. Benchmarks report
// it beside wall time because the shared machines they run on are often
// busy, which stretches wall time but not CPU time.
func cpuTime() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
