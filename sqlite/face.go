package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"facesnap"
	"facesnap/internal/storecodec"
)

const faceColumns = `face_id, person_id, user_data, rect_left, rect_top, rect_width, rect_height,
	detection_model, feature, seq, created_at`

func scanFace(row interface{ Scan(...any) error }) (facesnap.Face, error) {
	var f facesnap.Face
	var personID sql.NullString
	var feature []byte
	var created int64
	err := row.Scan(&f.ID, &personID, &f.UserData, &f.Rect.Left, &f.Rect.Top, &f.Rect.Width, &f.Rect.Height,
		&f.DetectionModel, &feature, &f.Seq, &created)
	f.PersonID = personID.String
	f.Feature = storecodec.DecodeFeature(feature)
	f.CreatedAt = storecodec.TimeAt(created)
	return f, err
}

// faceArgs are f's values in faceColumns order, for collection pk.
func faceArgs(pk int64, f facesnap.Face) []any {
	return []any{pk, f.ID, nullable(f.PersonID), f.UserData, f.Rect.Left, f.Rect.Top, f.Rect.Width, f.Rect.Height,
		f.DetectionModel, storecodec.EncodeFeature(f.Feature), f.Seq, storecodec.Nanos(f.CreatedAt)}
}

const (
	insertFace = `INSERT INTO faces (collection, ` + faceColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	sqlFaceSeq = `UPDATE collections SET last_seq = last_seq + 1, face_count = face_count + 1
			 WHERE pk = ? RETURNING last_seq, face_count`
	sqlFaceCountPerson = `SELECT count(*) + 1 FROM faces WHERE collection = ? AND person_id = ?`
	sqlFaceGet         = `SELECT ` + faceColumns + ` FROM faces WHERE collection = ? AND face_id = ? AND person_id IS ?`
)

// nullable stores "" as NULL: a list's faces have no person.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// faceOwner finds the visible collection and, for a person's face, checks
// the person, so each missing object gets its own NotFound.
func faceOwner(ctx context.Context, q querier, ref facesnap.CollectionRef, personID string) (int64, error) {
	pk, err := collectionPK(ctx, q, ref)
	if err != nil {
		return 0, err
	}
	if personID != "" {
		if err := personExists(ctx, q, pk, personID); err != nil {
			return 0, err
		}
	}
	return pk, nil
}

func (s *store) FaceAdd(ctx context.Context, p facesnap.FaceAddParams) error {
	return s.writeTx(ctx, func(tx *txq) error {
		f := p.Face
		pk, err := faceOwner(ctx, tx, p.Ref, f.PersonID)
		if err != nil {
			return err
		}
		var n int
		err = tx.QueryRowContext(ctx, sqlFaceSeq, pk).Scan(&f.Seq, &n)
		if err != nil {
			return err
		}
		if p.MaxFaces > 0 && f.PersonID != "" {
			// A person holds at most MaxFacesPerPerson faces: counting
			// them is cheap.
			err := tx.QueryRowContext(ctx, sqlFaceCountPerson, pk, f.PersonID).Scan(&n)
			if err != nil {
				return err
			}
		}
		if p.MaxFaces > 0 && n > p.MaxFaces {
			return &facesnap.QuotaError{Message: fmt.Sprintf("The limit of %d faces is reached.", p.MaxFaces)}
		}
		_, err = tx.ExecContext(ctx, insertFace, faceArgs(pk, f)...)
		return interpretError(err, facesnap.ObjectPersistedFace, f.ID)
	})
}

func (s *store) FaceGet(ctx context.Context, ref facesnap.CollectionRef, personID, faceID string) (facesnap.Face, error) {
	var f facesnap.Face
	err := s.readTx(ctx, func(q querier) error {
		pk, err := faceOwner(ctx, q, ref, personID)
		if err != nil {
			return err
		}
		f, err = scanFace(q.QueryRowContext(ctx, sqlFaceGet, pk, faceID, nullable(personID)))
		return interpretError(err, facesnap.ObjectPersistedFace, faceID)
	})
	if err != nil {
		return facesnap.Face{}, err
	}
	return f, nil
}

func (s *store) FaceList(ctx context.Context, p facesnap.FaceListParams) ([]facesnap.Face, error) {
	var fs []facesnap.Face
	err := s.readTx(ctx, func(q querier) error {
		pk, err := collectionPK(ctx, q, p.Ref)
		if err != nil {
			return err
		}
		rows, err := q.QueryContext(ctx,
			`SELECT `+faceColumns+` FROM faces
			 WHERE collection = ? AND person_id IS NULL AND face_id > ?
			 ORDER BY face_id LIMIT ?`,
			pk, p.Start, limit(p.Top))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			f, err := scanFace(rows)
			if err != nil {
				return err
			}
			fs = append(fs, f)
		}
		return rows.Err()
	})
	return fs, err
}

func (s *store) FaceUpdate(ctx context.Context, p facesnap.FaceUpdateParams) error {
	return s.writeTx(ctx, func(tx *txq) error {
		pk, err := faceOwner(ctx, tx, p.Ref, p.PersonID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx,
			`UPDATE faces SET user_data = ? WHERE collection = ? AND face_id = ? AND person_id IS ?`,
			p.UserData, pk, p.FaceID, nullable(p.PersonID))
		return mustAffect(res, err, facesnap.ObjectPersistedFace, p.FaceID)
	})
}

func (s *store) FaceDelete(ctx context.Context, ref facesnap.CollectionRef, personID, faceID string) error {
	return s.writeTx(ctx, func(tx *txq) error {
		pk, err := faceOwner(ctx, tx, ref, personID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx,
			`DELETE FROM faces WHERE collection = ? AND face_id = ? AND person_id IS ?`,
			pk, faceID, nullable(personID))
		if err := mustAffect(res, err, facesnap.ObjectPersistedFace, faceID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE collections SET face_count = face_count - 1 WHERE pk = ?`, pk)
		return err
	})
}

func (s *store) FaceExisting(ctx context.Context, ref facesnap.CollectionRef, faceIDs []string) ([]string, error) {
	var found []string
	err := s.readTx(ctx, func(q querier) error {
		pk, err := collectionPK(ctx, q, ref)
		if err != nil || len(faceIDs) == 0 {
			return err
		}
		// One statement for any number of ids: json_each expands the
		// array, and the primary key finds each.
		ids, err := json.Marshal(faceIDs)
		if err != nil {
			return err
		}
		rows, err := q.QueryContext(ctx,
			`SELECT face_id FROM faces WHERE collection = ? AND face_id IN (SELECT value FROM json_each(?))`, pk, string(ids))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			found = append(found, id)
		}
		return rows.Err()
	})
	return found, err
}
