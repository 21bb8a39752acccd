package sqlite

import (
	"context"
	"fmt"
	"strings"

	"facesnap"
	"facesnap/internal/storecodec"
)

// CollectionDump streams from one read transaction: in WAL mode it reads
// the snapshot of its first statement, does not block the writer, and
// holds only the current row in memory. While it runs, checkpoints cannot
// go past its snapshot, so the WAL grows with the writes made meanwhile.
func (s *store) CollectionDump(ctx context.Context, ref facesnap.CollectionRef, sink facesnap.DumpSink) error {
	return s.readTx(ctx, func(q querier) error {
		var pk int64
		var st facesnap.CollectionStats
		var t facesnap.Training
		tdest, tdone := storecodec.TrainingDest(&t)
		c, err := storecodec.ScanCollection(q.QueryRowContext(ctx,
			`SELECT `+storecodec.CollectionColumns+`, pk, person_count, face_count, last_seq, `+storecodec.TrainingColumns+`
			 FROM collections
			 WHERE `+visible,
			ref.Account, ref.Kind, ref.ID),
			append([]any{&pk, &st.Persons, &st.Faces, &st.MaxSeq}, tdest...)...)
		if err != nil {
			return interpretError(err, facesnap.ObjectOf(ref.Kind), ref.ID)
		}
		tdone()
		if err := sink.Collection(c, t, st); err != nil {
			return err
		}

		rows, err := q.QueryContext(ctx,
			`SELECT person_id, name, user_data FROM persons WHERE collection = ? ORDER BY person_id`, pk)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p facesnap.Person
			if err := rows.Scan(&p.ID, &p.Name, &p.UserData); err != nil {
				return err
			}
			if err := sink.Person(p); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()

		rows, err = q.QueryContext(ctx,
			`SELECT `+faceColumns+` FROM faces WHERE collection = ? ORDER BY seq`, pk)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			f, err := scanFace(rows)
			if err != nil {
				return err
			}
			if err := sink.Face(f); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

func (s *store) CollectionReserve(ctx context.Context, p facesnap.CollectionReserveParams) error {
	if p.Owner == "" {
		return facesnap.Invalidf("a reservation needs an owner")
	}
	return s.writeTx(ctx, func(tx *txq) error {
		return insertCollection(ctx, tx, p.Collection, "reserved", p.Owner, p.MaxPerAccount)
	})
}

const (
	sqlReservedPK = `SELECT pk, state, owner FROM collections WHERE account = ? AND kind = ? AND ext_id = ?`
	sqlLoadCounts = `UPDATE collections SET last_seq = max(last_seq, ?),
			   person_count = person_count + ?, face_count = face_count + ?
			 WHERE pk = ?`
)

// reservedPK returns the key of the collection ref that owner reserved.
// A collection that is visible, or reserved by another owner, is a
// conflict: its id is taken but not by this owner.
func reservedPK(ctx context.Context, q querier, ref facesnap.CollectionRef, owner string) (int64, error) {
	var pk int64
	var state, holder string
	err := q.QueryRowContext(ctx, sqlReservedPK, ref.Account, ref.Kind, ref.ID).Scan(&pk, &state, &holder)
	if err != nil {
		return 0, interpretError(err, facesnap.ObjectOf(ref.Kind), ref.ID)
	}
	if state != "reserved" || holder != owner {
		return 0, &facesnap.ConflictError{Message: fmt.Sprintf("%s '%s' is not reserved by this operation.", ref.Kind, ref.ID)}
	}
	return pk, nil
}

// loadChunk is how many rows one INSERT of the bulk load writes. One
// statement per row had spent as much CPU in database/sql and the
// driver (argument conversion, binding, a goroutine per statement for
// cancellation) as in SQLite's inserting.
const loadChunk = 64

// multiRow is an INSERT of rows rows of cols values each.
func multiRow(head string, cols, rows int) string {
	row := "(?" + strings.Repeat(", ?", cols-1) + ")"
	return head + row + strings.Repeat(", "+row, rows-1)
}

var (
	insertPersons = multiRow(`INSERT INTO persons (collection, person_id, name, user_data) VALUES `, 4, loadChunk)
	insertFaces   = multiRow(`INSERT INTO faces (collection, `+faceColumns+`) VALUES `, 12, loadChunk)
)

// CollectionLoad inserts loadChunk rows per statement, prepared at Open,
// and the rest one row per statement. A chunk that breaks a constraint
// changes nothing (the statement aborts, the transaction goes on), so
// its rows are then inserted one by one to name the one at fault.
//
// Outside InTx, the load's commit leaves its checkpoint to the
// checkpointer, beside the writer.
func (s *store) CollectionLoad(ctx context.Context, p facesnap.CollectionLoadParams) error {
	own := s.tx == nil
	err := s.writeTx(ctx, func(tx *txq) error {
		if own {
			if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA wal_autocheckpoint = %d`, walLoadBackstop)); err != nil {
				return err
			}
		}
		pk, err := reservedPK(ctx, tx, p.Ref, p.Owner)
		if err != nil {
			return err
		}
		args := make([]any, 0, 12*loadChunk)
		persons := p.Persons
		for ; len(persons) >= loadChunk; persons = persons[loadChunk:] {
			args = args[:0]
			for _, person := range persons[:loadChunk] {
				args = append(args, pk, person.ID, person.Name, person.UserData)
			}
			if _, err := tx.ExecContext(ctx, insertPersons, args...); err != nil {
				if !isConstraint(err) {
					return err
				}
				if err := loadPersons(ctx, tx, pk, persons[:loadChunk]); err != nil {
					return err
				}
			}
		}
		if err := loadPersons(ctx, tx, pk, persons); err != nil {
			return err
		}

		var maxSeq int64
		for _, f := range p.Faces {
			maxSeq = max(maxSeq, f.Seq)
		}
		faces := p.Faces
		var features []byte // the chunk's features, reused by the next
		for ; len(faces) >= loadChunk; faces = faces[loadChunk:] {
			args, features = args[:0], features[:0]
			for _, f := range faces[:loadChunk] {
				var feature []byte
				if f.Feature != nil {
					n := len(features)
					features = storecodec.AppendFeature(features, f.Feature)
					feature = features[n:len(features):len(features)]
				}
				args = append(args, pk, f.ID, nullable(f.PersonID), f.UserData, f.Rect.Left, f.Rect.Top, f.Rect.Width, f.Rect.Height,
					f.DetectionModel, feature, f.Seq, storecodec.Nanos(f.CreatedAt))
			}
			if _, err := tx.ExecContext(ctx, insertFaces, args...); err != nil {
				if !isConstraint(err) {
					return err
				}
				if err := loadFaces(ctx, tx, pk, faces[:loadChunk]); err != nil {
					return err
				}
			}
		}
		if err := loadFaces(ctx, tx, pk, faces); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, sqlLoadCounts, maxSeq, len(p.Persons), len(p.Faces), pk)
		return err
	})
	if own {
		// Ordinary writes go back to SQLite's own checkpoints. Should
		// this fail, the writer's threshold stays high, which only
		// delays its checkpoints until the checkpointer's next one.
		_, _ = s.write.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA wal_autocheckpoint = %d`, walAutoCheckpoint))
		if err == nil {
			s.ckpt.committed()
		}
	}
	return err
}

// loadPersons and loadFaces insert one row per statement.
func loadPersons(ctx context.Context, tx *txq, pk int64, persons []facesnap.Person) error {
	for _, person := range persons {
		if _, err := tx.ExecContext(ctx, insertPerson, pk, person.ID, person.Name, person.UserData); err != nil {
			return interpretError(err, facesnap.ObjectPerson, person.ID)
		}
	}
	return nil
}

func loadFaces(ctx context.Context, tx *txq, pk int64, faces []facesnap.Face) error {
	for _, f := range faces {
		if _, err := tx.ExecContext(ctx, insertFace, faceArgs(pk, f)...); err != nil {
			return loadFaceError(err, f)
		}
	}
	return nil
}

// loadFaceError reports a face whose person is not loaded (yet) as that
// person's NotFound.
func loadFaceError(err error, f facesnap.Face) error {
	if isForeignKey(err) {
		return facesnap.NotFound(facesnap.ObjectPerson, f.PersonID)
	}
	return interpretError(err, facesnap.ObjectPersistedFace, f.ID)
}

func (s *store) CollectionPublish(ctx context.Context, p facesnap.CollectionPublishParams) error {
	return s.writeTx(ctx, func(tx *txq) error {
		if _, err := reservedPK(ctx, tx, p.Ref, p.Owner); err != nil {
			return err
		}
		return setTraining(ctx, tx, p.Ref, "reserved", p.Owner, p.Training)
	})
}

func (s *store) CollectionDiscard(ctx context.Context, ref facesnap.CollectionRef, owner string) error {
	return s.writeTx(ctx, func(tx *txq) error {
		_, err := tx.ExecContext(ctx,
			`DELETE FROM collections
			 WHERE account = ? AND kind = ? AND ext_id = ? AND state = 'reserved' AND owner = ?`,
			ref.Account, ref.Kind, ref.ID, owner)
		return err
	})
}
