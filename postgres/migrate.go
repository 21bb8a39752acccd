package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrate applies the embedded migrations the database has not seen yet,
// holding an advisory lock so that nodes starting together migrate one
// after the other; the later ones find nothing left to do.
//
// The lock is a blocking pg_advisory_lock on a connection of its own, not
// goose's session locker: that one polls pg_try_advisory_lock every few
// seconds (at least one), which every waiting node would pay. The key is
// derived from the schema, so stores in separate schemas of one database
// (tests) do not wait for each other. Closing the connection releases the
// lock even when the unlock fails or the process dies.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	lockConn, err := pgx.ConnectConfig(ctx, pool.Config().ConnConfig)
	if err != nil {
		return err
	}
	defer lockConn.Close(context.WithoutCancel(ctx))

	var schema *string
	if err := lockConn.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return err
	}
	if schema == nil {
		return errors.New("no existing schema on the search_path")
	}
	const lockKey = `hashtextextended('facesnap migrate ' || $1, 0)`
	if _, err := lockConn.Exec(ctx, `SELECT pg_advisory_lock(`+lockKey+`)`, *schema); err != nil {
		return fmt.Errorf("lock: %w", err)
	}

	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys)
	if err != nil {
		return err
	}
	_, upErr := p.Up(ctx)
	_, unlockErr := lockConn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(`+lockKey+`)`, *schema)
	return errors.Join(upErr, unlockErr)
}
