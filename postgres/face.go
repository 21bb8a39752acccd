package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"facesnap"
	"facesnap/internal/storecodec"
)

// Features are bytea holding little-endian float32s, the bytes the sqlite
// store keeps, rather than real[]: in pgx's binary protocol a real[] of
// 128 carries a 4-byte length before every element and a header, over
// twice the 512 bytes of the bytea, and it is encoded and decoded element
// by element with byte swapping, where a bytea is one copy. Nothing queries
// inside a feature, so the array type would buy nothing. Measured
// (BenchmarkFeatureType, BENCHMARKS.md): writing real[] took twice as
// long, reading it about eight times.

const faceColumns = `face_id, person_id, user_data, rect_left, rect_top, rect_width, rect_height,
	detection_model, feature, seq, created_at`

// joinedFaceColumns are faceColumns of a face f that a query left-joins:
// a missing face gives a NULL face_id and zero values elsewhere, so one
// statement can tell a missing face from a missing collection.
const joinedFaceColumns = `f.face_id, f.person_id, coalesce(f.user_data, ''),
	coalesce(f.rect_left, 0), coalesce(f.rect_top, 0), coalesce(f.rect_width, 0), coalesce(f.rect_height, 0),
	coalesce(f.detection_model, ''), f.feature, coalesce(f.seq, 0), coalesce(f.created_at, 0)`

// scanFace scans faceColumns or joinedFaceColumns, after the extra
// destinations. ok is false when the face is NULL (not found).
func scanFace(row pgx.Row, extra ...any) (f facesnap.Face, ok bool, err error) {
	var id, personID *string
	var feature []byte
	var created int64
	err = row.Scan(append(extra, &id, &personID, &f.UserData, &f.Rect.Left, &f.Rect.Top, &f.Rect.Width, &f.Rect.Height,
		&f.DetectionModel, &feature, &f.Seq, &created)...)
	if err != nil || id == nil {
		return facesnap.Face{}, false, err
	}
	f.ID = *id
	if personID != nil {
		f.PersonID = *personID
	}
	f.Feature = storecodec.DecodeFeature(feature)
	f.CreatedAt = storecodec.TimeAt(created)
	return f, true, nil
}

// faceRow is f's values in faceColumns order, for collection pk, as COPY
// and INSERT take them.
func faceRow(pk int64, f facesnap.Face) []any {
	return []any{pk, f.ID, nullable(f.PersonID), f.UserData, int32(f.Rect.Left), int32(f.Rect.Top),
		int32(f.Rect.Width), int32(f.Rect.Height), f.DetectionModel, storecodec.EncodeFeature(f.Feature), f.Seq, storecodec.Nanos(f.CreatedAt)}
}

// FaceAdd locks the collection by taking the next Seq, so Seqs are
// gapless and the counts exact however many nodes add at once. A missing
// person breaks the faces' foreign key: NotFound about the person.
func (s *store) FaceAdd(ctx context.Context, p facesnap.FaceAddParams) error {
	return s.writeTx(ctx, func(tx pgx.Tx) error {
		f := p.Face
		var n int
		pk, err := lockCollection(ctx, tx, p.Ref, `last_seq = last_seq + 1, face_count = face_count + 1`,
			`, last_seq, face_count`, &f.Seq, &n)
		if err != nil {
			return err
		}
		if p.MaxFaces > 0 && f.PersonID != "" {
			// A person holds at most MaxFacesPerPerson faces: counting
			// them is cheap.
			err := tx.QueryRow(ctx,
				`SELECT count(*) + 1 FROM faces WHERE collection = $1 AND person_id = $2`, pk, f.PersonID).Scan(&n)
			if err != nil {
				return err
			}
		}
		if p.MaxFaces > 0 && n > p.MaxFaces {
			return &facesnap.QuotaError{Message: fmt.Sprintf("The limit of %d faces is reached.", p.MaxFaces)}
		}
		_, err = tx.Exec(ctx, insertFace, faceRow(pk, f)...)
		return interpretError(err, facesnap.ObjectPersistedFace, f.ID)
	})
}

const insertFace = `INSERT INTO faces (collection, ` + faceColumns + `)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`

// faceOwnerJoin joins the collection c of ref ($1-$3) to the person p
// named by $4 (none for a list's face, whose $4 is NULL).
const faceOwnerJoin = `FROM collections c
	LEFT JOIN persons p ON p.collection = c.pk AND p.person_id = $4`

// ownerError is the NotFound for a face whose collection exists but whose
// person (when it has one) is missing, or whose face is missing.
func ownerError(personID string, personFound bool, faceID string) error {
	if personID != "" && !personFound {
		return facesnap.NotFound(facesnap.ObjectPerson, personID)
	}
	return facesnap.NotFound(facesnap.ObjectPersistedFace, faceID)
}

// FaceGet is one statement: the collection, its person and the face
// left-joined, so each missing object gets its own NotFound.
func (s *store) FaceGet(ctx context.Context, ref facesnap.CollectionRef, personID, faceID string) (facesnap.Face, error) {
	var personFound bool
	f, ok, err := scanFace(s.reader().QueryRow(ctx,
		`SELECT p.person_id IS NOT NULL, `+joinedFaceColumns+` `+faceOwnerJoin+`
		 LEFT JOIN faces f ON f.collection = c.pk AND f.face_id = $5 AND f.person_id IS NOT DISTINCT FROM $4
		 WHERE c.account = $1 AND c.kind = $2 AND c.ext_id = $3 AND c.state = 'visible'`,
		refArgs(ref, nullable(personID), faceID)...), &personFound)
	if err != nil {
		return facesnap.Face{}, interpretError(err, facesnap.ObjectOf(ref.Kind), ref.ID)
	}
	if !ok {
		return facesnap.Face{}, ownerError(personID, personFound, faceID)
	}
	return f, nil
}

// FaceList is one statement: the collection left-joined to a page of its
// faces.
func (s *store) FaceList(ctx context.Context, p facesnap.FaceListParams) ([]facesnap.Face, error) {
	rows, err := s.reader().Query(ctx,
		`SELECT `+joinedFaceColumns+` FROM collections c
		 LEFT JOIN LATERAL (
		   SELECT `+faceColumns+` FROM faces
		   WHERE collection = c.pk AND person_id IS NULL AND face_id > $4
		   ORDER BY face_id LIMIT $5
		 ) f ON true
		 WHERE c.account = $1 AND c.kind = $2 AND c.ext_id = $3 AND c.state = 'visible'
		 ORDER BY f.face_id`,
		refArgs(p.Ref, p.Start, limit(p.Top))...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var fs []facesnap.Face
	found := false
	for rows.Next() {
		found = true
		f, ok, err := scanFace(rows)
		if err != nil {
			return nil, err
		}
		if ok {
			fs = append(fs, f)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !found {
		return nil, facesnap.NotFound(facesnap.ObjectOf(p.Ref.Kind), p.Ref.ID)
	}
	return fs, nil
}

// FaceUpdate is one statement that updates the face and reports which
// of its owners exist.
func (s *store) FaceUpdate(ctx context.Context, p facesnap.FaceUpdateParams) error {
	return s.write(ctx, func(q querier) error {
		var personFound, updated bool
		err := q.QueryRow(ctx,
			`WITH u AS (
			   UPDATE faces f SET user_data = $6
			   FROM collections c
			   WHERE c.account = $1 AND c.kind = $2 AND c.ext_id = $3 AND c.state = 'visible'
			     AND f.collection = c.pk AND f.face_id = $5 AND f.person_id IS NOT DISTINCT FROM $4
			   RETURNING f.face_id)
			 SELECT p.person_id IS NOT NULL, EXISTS (SELECT FROM u) `+faceOwnerJoin+`
			 WHERE c.account = $1 AND c.kind = $2 AND c.ext_id = $3 AND c.state = 'visible'`,
			refArgs(p.Ref, nullable(p.PersonID), p.FaceID, p.UserData)...).Scan(&personFound, &updated)
		if err != nil {
			return interpretError(err, facesnap.ObjectOf(p.Ref.Kind), p.Ref.ID)
		}
		if !updated {
			return ownerError(p.PersonID, personFound, p.FaceID)
		}
		return nil
	})
}

// FaceDelete locks the collection first, as every write that changes its
// counts does: always in that order, a face delete and a person delete
// (collection, then the person's faces) cannot deadlock.
func (s *store) FaceDelete(ctx context.Context, ref facesnap.CollectionRef, personID, faceID string) error {
	return s.writeTx(ctx, func(tx pgx.Tx) error {
		pk, err := lockCollection(ctx, tx, ref, `face_count = face_count - 1`, ``)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx,
			`DELETE FROM faces WHERE collection = $1 AND face_id = $2 AND person_id IS NOT DISTINCT FROM $3`,
			pk, faceID, nullable(personID))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			var personFound bool
			err := tx.QueryRow(ctx,
				`SELECT EXISTS (SELECT FROM persons WHERE collection = $1 AND person_id = $2)`,
				pk, personID).Scan(&personFound)
			if err != nil {
				return err
			}
			return ownerError(personID, personFound, faceID)
		}
		return nil
	})
}

func (s *store) FaceExisting(ctx context.Context, ref facesnap.CollectionRef, faceIDs []string) ([]string, error) {
	// The collection left-joined to its matching faces: no row means no
	// visible collection, a NULL face id a collection without them.
	rows, err := s.reader().Query(ctx,
		`SELECT f.face_id FROM collections c
		 LEFT JOIN faces f ON f.collection = c.pk AND f.face_id = ANY($4)
		 WHERE c.account = $1 AND c.kind = $2 AND c.ext_id = $3 AND c.state = 'visible'`,
		refArgs(ref, faceIDs)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var found []string
	seen := false
	for rows.Next() {
		seen = true
		var id *string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		if id != nil {
			found = append(found, *id)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !seen {
		return nil, facesnap.NotFound(facesnap.ObjectOf(ref.Kind), ref.ID)
	}
	return found, nil
}
