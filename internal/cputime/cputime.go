// Package cputime reads CPU time, which the benchmarks report beside wall
// time: on a shared machine other work stretches wall time, while the CPU
// a piece of code uses stays close to what it costs.
package cputime

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"time"
)

// Process is the user and system CPU time of process pid, from
// /proc/PID/stat; ok is false when it cannot be read (no such process,
// or no /proc).
func Process(pid int) (d time.Duration, ok bool) {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	_, d, ok = parseStat(stat)
	return d, ok
}

// Command is the CPU time used by all the processes named comm on this
// machine (so other clients of a server count too); 0 when there are
// none, as for a server elsewhere.
func Command(comm string) time.Duration {
	dirs, _ := os.ReadDir("/proc")
	var total time.Duration
	for _, d := range dirs {
		stat, err := os.ReadFile("/proc/" + d.Name() + "/stat")
		if err != nil {
			continue
		}
		if name, cpu, ok := parseStat(stat); ok && name == comm {
			total += cpu
		}
	}
	return total
}

// parseStat reads /proc/PID/stat: "pid (comm) state ppid …", where comm
// may hold spaces and parentheses, and utime and stime are the 12th and
// 13th fields after it, in ticks of USER_HZ (100 on Linux).
func parseStat(stat []byte) (comm string, cpu time.Duration, ok bool) {
	open, end := bytes.IndexByte(stat, '('), bytes.LastIndexByte(stat, ')')
	if open < 0 || end < open {
		return "", 0, false
	}
	f := strings.Fields(string(stat[end+1:]))
	if len(f) < 13 {
		return "", 0, false
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	s, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return "", 0, false
	}
	return string(stat[open+1 : end]), time.Duration(u+s) * (time.Second / 100), true
}
