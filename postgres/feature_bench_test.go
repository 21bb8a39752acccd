package postgres

import (
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"facesnap/internal/storecodec"
)

// BenchmarkFeatureType prices the feature column's type: bytea (what the
// store keeps) against real[], for 128-float features, writing 1,000 of
// them with COPY as a load does and reading them back as a dump does:
//
//	FACESNAP_TEST_POSTGRES_URL=... go test ./postgres -run '^$' -bench FeatureType -count 5
func BenchmarkFeatureType(b *testing.B) {
	url := os.Getenv("FACESNAP_TEST_POSTGRES_URL")
	if url == "" {
		b.Skip("FACESNAP_TEST_POSTGRES_URL is not set: no PostgreSQL to benchmark")
	}
	ctx := b.Context()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	// Temporary tables live in this session only and vanish with it.
	if _, err := conn.Exec(ctx, `CREATE TEMPORARY TABLE feature_bytea (f bytea);
		CREATE TEMPORARY TABLE feature_real (f real[])`); err != nil {
		b.Fatal(err)
	}
	feature := make([]float32, 128)
	for i := range feature {
		feature[i] = float32(i) / 1000
	}
	const rows = 1000
	for _, typ := range []struct {
		name, table string
		value       func() any
		check       func(pgx.Rows) error
	}{
		{"Bytea", "feature_bytea", func() any { return storecodec.EncodeFeature(feature) }, func(r pgx.Rows) error {
			var b []byte
			err := r.Scan(&b)
			_ = storecodec.DecodeFeature(b)
			return err
		}},
		{"RealArray", "feature_real", func() any { return feature }, func(r pgx.Rows) error {
			var v []float32
			return r.Scan(&v)
		}},
	} {
		b.Run(typ.name+"/Write", func(b *testing.B) {
			for b.Loop() {
				if _, err := conn.Exec(ctx, `TRUNCATE `+typ.table); err != nil {
					b.Fatal(err)
				}
				_, err := conn.CopyFrom(ctx, pgx.Identifier{typ.table}, []string{"f"},
					pgx.CopyFromSlice(rows, func(int) ([]any, error) { return []any{typ.value()}, nil }))
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/feature")
		})
		b.Run(typ.name+"/Read", func(b *testing.B) {
			for b.Loop() {
				r, err := conn.Query(ctx, `SELECT f FROM `+typ.table)
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for r.Next() {
					if err := typ.check(r); err != nil {
						b.Fatal(err)
					}
					n++
				}
				if err := r.Err(); err != nil || n != rows {
					b.Fatal(n, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/feature")
		})
	}
	var byteaSize, realSize int
	if err := conn.QueryRow(ctx, `SELECT (SELECT pg_column_size(f) FROM feature_bytea LIMIT 1),
		(SELECT pg_column_size(f) FROM feature_real LIMIT 1)`).Scan(&byteaSize, &realSize); err != nil {
		b.Fatal(err)
	}
	b.Logf("stored size of one feature: bytea %d bytes, real[] %d bytes", byteaSize, realSize)
}
