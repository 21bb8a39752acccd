package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"facesnap"
	"facesnap/internal/storecodec"
)

const detectedFaceColumns = `face_id, account, rect_left, rect_top, rect_width, rect_height,
	detection_model, recognition_model, feature, created_at, expires_at`

func (s *store) DetectedFaceCreate(ctx context.Context, faces []facesnap.DetectedFace) error {
	if len(faces) == 0 {
		return nil
	}
	return s.writeTx(ctx, func(tx pgx.Tx) error {
		// One round trip for the whole detect (up to 100 faces). A
		// missing account is the foreign key's, which interpretError
		// reports as the account's NotFound.
		var batch pgx.Batch
		for _, f := range faces {
			batch.Queue(`INSERT INTO detected_faces (`+detectedFaceColumns+`)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
				f.ID, f.Account, int32(f.Rect.Left), int32(f.Rect.Top), int32(f.Rect.Width), int32(f.Rect.Height),
				f.DetectionModel, f.RecognitionModel, storecodec.EncodeFeature(f.Feature), storecodec.Nanos(f.CreatedAt), storecodec.Nanos(f.ExpiresAt))
		}
		br := tx.SendBatch(ctx, &batch)
		for _, f := range faces {
			if _, err := br.Exec(); err != nil {
				br.Close()
				return interpretError(err, facesnap.ObjectFace, f.ID)
			}
		}
		return br.Close()
	})
}

func (s *store) DetectedFaceGet(ctx context.Context, account, faceID string) (facesnap.DetectedFace, error) {
	var f facesnap.DetectedFace
	var feature []byte
	var created, expires int64
	err := s.reader().QueryRow(ctx,
		`SELECT `+detectedFaceColumns+` FROM detected_faces WHERE face_id = $1 AND account = $2`, faceID, account).
		Scan(&f.ID, &f.Account, &f.Rect.Left, &f.Rect.Top, &f.Rect.Width, &f.Rect.Height,
			&f.DetectionModel, &f.RecognitionModel, &feature, &created, &expires)
	if err != nil {
		return facesnap.DetectedFace{}, interpretError(err, facesnap.ObjectFace, faceID)
	}
	f.Feature = storecodec.DecodeFeature(feature)
	f.CreatedAt, f.ExpiresAt = storecodec.TimeAt(created), storecodec.TimeAt(expires)
	return f, nil
}

func (s *store) DetectedFacePurge(ctx context.Context, expiredBefore time.Time) (int64, error) {
	var n int64
	err := s.write(ctx, func(q querier) error {
		tag, err := q.Exec(ctx, `DELETE FROM detected_faces WHERE expires_at < $1`, storecodec.Nanos(expiredBefore))
		n = tag.RowsAffected()
		return err
	})
	return n, err
}
