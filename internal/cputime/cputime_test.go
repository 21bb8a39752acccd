package cputime

import (
	"os"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	tests := []struct {
		name string
		stat string
		comm string
		cpu  time.Duration
		ok   bool
	}{
		{"Plain", "42 (postgres) S 1 42 42 0 -1 4194560 100 0 0 0 150 25 0 0 20 0 1 0 100 0 0", "postgres", 1750 * time.Millisecond, true},
		{"SpacesAndParens", "7 (a (b) c) R 1 7 7 0 -1 0 0 0 0 0 3 4 0 0", "a (b) c", 70 * time.Millisecond, true},
		{"Short", "7 (x) R 1 2 3", "", 0, false},
		{"NoComm", "garbage", "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			comm, cpu, ok := parseStat([]byte(tt.stat))
			if comm != tt.comm || cpu != tt.cpu || ok != tt.ok {
				t.Errorf("parseStat = %q, %v, %v; want %q, %v, %v", comm, cpu, ok, tt.comm, tt.cpu, tt.ok)
			}
		})
	}
}

func TestProcess(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	if _, ok := Process(os.Getpid()); !ok {
		t.Error("Process(own pid): not ok")
	}
	if _, ok := Process(-1); ok {
		t.Error("Process(-1): ok")
	}
}
