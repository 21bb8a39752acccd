package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"facesnap"
	"facesnap/internal/storecodec"
)

// CollectionDump reads in one REPEATABLE READ READ ONLY transaction: all
// its statements see the snapshot of the first, and concurrent writes
// neither wait for it nor show in it. Rows are handed to the sink as pgx
// reads them off the connection, so memory holds one row (and the
// socket's buffers), not the collection. Inside InTx it reads in that
// transaction.
func (s *store) CollectionDump(ctx context.Context, ref facesnap.CollectionRef, sink facesnap.DumpSink) error {
	if s.tx != nil {
		return dump(ctx, s.tx, ref, sink)
	}
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error { return dump(ctx, tx, ref, sink) })
}

func dump(ctx context.Context, q querier, ref facesnap.CollectionRef, sink facesnap.DumpSink) error {
	var pk int64
	var st facesnap.CollectionStats
	var t facesnap.Training
	tdest, tdone := storecodec.TrainingDest(&t)
	c, err := storecodec.ScanCollection(q.QueryRow(ctx,
		`SELECT `+storecodec.CollectionColumns+`, pk, person_count, face_count, last_seq, `+storecodec.TrainingColumns+`
		 FROM collections WHERE `+visible, refArgs(ref)...),
		append([]any{&pk, &st.Persons, &st.Faces, &st.MaxSeq}, tdest...)...)
	if err != nil {
		return interpretError(err, facesnap.ObjectOf(ref.Kind), ref.ID)
	}
	tdone()
	if err := sink.Collection(c, t, st); err != nil {
		return err
	}

	rows, err := q.Query(ctx,
		`SELECT person_id, name, user_data FROM persons WHERE collection = $1 ORDER BY person_id`, pk)
	if err != nil {
		return err
	}
	var p facesnap.Person
	if _, err := pgx.ForEachRow(rows, []any{&p.ID, &p.Name, &p.UserData}, func() error {
		return sink.Person(p)
	}); err != nil {
		return err
	}

	rows, err = q.Query(ctx, `SELECT `+faceColumns+` FROM faces WHERE collection = $1 ORDER BY seq`, pk)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		f, _, err := scanFace(rows)
		if err != nil {
			return err
		}
		if err := sink.Face(f); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (s *store) CollectionReserve(ctx context.Context, p facesnap.CollectionReserveParams) error {
	if p.Owner == "" {
		return facesnap.Invalidf("a reservation needs an owner")
	}
	return s.writeTx(ctx, func(tx pgx.Tx) error {
		return insertCollection(ctx, tx, p.Collection, "reserved", p.Owner, p.MaxPerAccount)
	})
}

// reservedPK locks and returns the key of the collection ref that owner
// reserved. A collection that is visible, or reserved by another owner, is
// a conflict: its id is taken but not by this owner.
func reservedPK(ctx context.Context, q querier, ref facesnap.CollectionRef, owner string) (int64, error) {
	var pk int64
	var state, holder string
	err := q.QueryRow(ctx,
		`SELECT pk, state, owner FROM collections WHERE account = $1 AND kind = $2 AND ext_id = $3
		 FOR NO KEY UPDATE`,
		refArgs(ref)...).Scan(&pk, &state, &holder)
	if err != nil {
		return 0, interpretError(err, facesnap.ObjectOf(ref.Kind), ref.ID)
	}
	if state != "reserved" || holder != owner {
		return 0, &facesnap.ConflictError{Message: fmt.Sprintf("%s '%s' is not reserved by this operation.", ref.Kind, ref.ID)}
	}
	return pk, nil
}

// CollectionLoad copies a batch in with COPY (binary): one round trip for
// the rows instead of one per row. A COPY stops at its first bad row and
// names it only in the error's detail, from which interpretError takes the
// id.
func (s *store) CollectionLoad(ctx context.Context, p facesnap.CollectionLoadParams) error {
	return s.writeTx(ctx, func(tx pgx.Tx) error {
		pk, err := reservedPK(ctx, tx, p.Ref, p.Owner)
		if err != nil {
			return err
		}
		if len(p.Persons) > 0 {
			_, err := tx.CopyFrom(ctx, pgx.Identifier{"persons"}, []string{"collection", "person_id", "name", "user_data"},
				pgx.CopyFromSlice(len(p.Persons), func(i int) ([]any, error) {
					person := p.Persons[i]
					return []any{pk, person.ID, person.Name, person.UserData}, nil
				}))
			if err != nil {
				return interpretError(err, facesnap.ObjectPerson, "")
			}
		}
		var maxSeq int64
		if len(p.Faces) > 0 {
			_, err := tx.CopyFrom(ctx, pgx.Identifier{"faces"}, copyFaceColumns,
				pgx.CopyFromSlice(len(p.Faces), func(i int) ([]any, error) {
					maxSeq = max(maxSeq, p.Faces[i].Seq)
					return faceRow(pk, p.Faces[i]), nil
				}))
			if err != nil {
				return interpretError(err, facesnap.ObjectPersistedFace, "")
			}
		}
		_, err = tx.Exec(ctx,
			`UPDATE collections SET last_seq = greatest(last_seq, $2),
			   person_count = person_count + $3, face_count = face_count + $4
			 WHERE pk = $1`, pk, maxSeq, len(p.Persons), len(p.Faces))
		return err
	})
}

var copyFaceColumns = []string{"collection", "face_id", "person_id", "user_data", "rect_left", "rect_top",
	"rect_width", "rect_height", "detection_model", "feature", "seq", "created_at"}

func (s *store) CollectionPublish(ctx context.Context, p facesnap.CollectionPublishParams) error {
	return s.writeTx(ctx, func(tx pgx.Tx) error {
		if _, err := reservedPK(ctx, tx, p.Ref, p.Owner); err != nil {
			return err
		}
		return setTraining(ctx, tx, p.Ref, "reserved", p.Owner, p.Training)
	})
}

func (s *store) CollectionDiscard(ctx context.Context, ref facesnap.CollectionRef, owner string) error {
	return s.write(ctx, func(q querier) error {
		_, err := q.Exec(ctx,
			`DELETE FROM collections
			 WHERE account = $1 AND kind = $2 AND ext_id = $3 AND state = 'reserved' AND owner = $4`,
			refArgs(ref, owner)...)
		return err
	})
}
