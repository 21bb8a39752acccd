package postgres

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"facesnap"
	"facesnap/internal/storecodec"
)

// BenchmarkLoadMethod compares the two ways to send CollectionLoad's
// faces that the driver offers: COPY (what CollectionLoad does) and one
// INSERT ... SELECT FROM unnest($n::type[]) with a parameter array per
// column. Both run in one transaction per 10,000 faces, with the schema's
// indexes and foreign keys:
//
//	FACESNAP_TEST_POSTGRES_URL=... go test ./postgres -run '^$' -bench LoadMethod -count 5
func BenchmarkLoadMethod(b *testing.B) {
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
	schema := fmt.Sprintf("bench_load_%d", os.Getpid())
	if _, err := conn.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		b.Fatal(err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `DROP SCHEMA `+schema+` CASCADE`)
	db, err := Open(ctx, url+"&search_path="+schema)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.AccountCreate(ctx, facesnap.Account{Name: "acme"}); err != nil {
		b.Fatal(err)
	}

	const n = 10000
	faces := make([]facesnap.Face, n)
	for i := range faces {
		feature := make([]float32, 128)
		for j := range feature {
			feature[j] = float32(i+j) / 1000
		}
		faces[i] = facesnap.Face{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), UserData: "bench",
			Rect: facesnap.Rect{Left: 1, Top: 2, Width: 100, Height: 120}, DetectionModel: "detection_03",
			Feature: feature, Seq: int64(i + 1)}
	}
	round := 0
	for _, method := range []struct {
		name string
		load func(tx pgx.Tx, pk int64) error
	}{
		{"Copy", func(tx pgx.Tx, pk int64) error {
			_, err := tx.CopyFrom(ctx, pgx.Identifier{"faces"}, copyFaceColumns,
				pgx.CopyFromSlice(n, func(i int) ([]any, error) { return faceRow(pk, faces[i]), nil }))
			return err
		}},
		{"Unnest", func(tx pgx.Tx, pk int64) error { return insertUnnest(ctx, tx, pk, faces) }},
	} {
		b.Run(method.name, func(b *testing.B) {
			for b.Loop() {
				round++
				ref := facesnap.CollectionRef{Account: "acme", Kind: facesnap.KindLargeFaceList, ID: fmt.Sprintf("list-%d", round)}
				if err := db.CollectionReserve(ctx, facesnap.CollectionReserveParams{Collection: facesnap.Collection{CollectionRef: ref}, Owner: "bench"}); err != nil {
					b.Fatal(err)
				}
				err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
					pk, err := reservedPK(ctx, tx, ref, "bench")
					if err != nil {
						return err
					}
					return method.load(tx, pk)
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/face")
		})
	}
}

// insertUnnest is the INSERT alternative to COPY: one statement, one
// array parameter per column.
func insertUnnest(ctx context.Context, tx pgx.Tx, pk int64, faces []facesnap.Face) error {
	var (
		ids, users, models []string
		persons            []*string
		left, top, w, h    []int32
		features           [][]byte
		seqs, created      []int64
	)
	for _, f := range faces {
		ids, persons, users = append(ids, f.ID), append(persons, nullable(f.PersonID)), append(users, f.UserData)
		left, top = append(left, int32(f.Rect.Left)), append(top, int32(f.Rect.Top))
		w, h = append(w, int32(f.Rect.Width)), append(h, int32(f.Rect.Height))
		models, features = append(models, f.DetectionModel), append(features, storecodec.EncodeFeature(f.Feature))
		seqs, created = append(seqs, f.Seq), append(created, storecodec.Nanos(f.CreatedAt))
	}
	_, err := tx.Exec(ctx,
		`INSERT INTO faces (collection, `+faceColumns+`)
		 SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::int[], $8::int[],
		   $9::text[], $10::bytea[], $11::bigint[], $12::bigint[])`,
		pk, ids, persons, users, left, top, w, h, models, features, seqs, created)
	return err
}
