package postgres

import (
	"runtime"
	"testing"
)

func TestPoolConfig(t *testing.T) {
	t.Parallel()
	const url = "postgres://facesnap@db.invalid/facesnap?sslmode=disable"
	for _, tt := range []struct {
		name string
		url  string
		opts []Option
		want int32 // 0: an error
	}{
		{"Default", url, nil, int32(max(defaultMaxConns, runtime.NumCPU()))},
		{"URL", url + "&pool_max_conns=3", nil, 3},
		{"Option", url, []Option{WithMaxConns(5)}, 5},
		{"TooSmall", url + "&pool_max_conns=1", nil, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := poolConfig(tt.url, tt.opts...)
			switch {
			case tt.want == 0 && err == nil:
				t.Fatalf("MaxConns %d accepted", cfg.MaxConns)
			case tt.want == 0:
			case err != nil:
				t.Fatal(err)
			case cfg.MaxConns != tt.want:
				t.Errorf("MaxConns = %d, want %d", cfg.MaxConns, tt.want)
			}
		})
	}
}
