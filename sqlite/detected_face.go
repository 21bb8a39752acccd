package sqlite

import (
	"context"
	"time"

	"facesnap"
	"facesnap/internal/storecodec"
)

const (
	detectedFaceColumns = `face_id, account, rect_left, rect_top, rect_width, rect_height,
	detection_model, recognition_model, feature, created_at, expires_at`
	insertDetectedFace = `INSERT INTO detected_faces (` + detectedFaceColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

func (s *store) DetectedFaceCreate(ctx context.Context, faces []facesnap.DetectedFace) error {
	if len(faces) == 0 {
		return nil
	}
	return s.writeTx(ctx, func(tx *txq) error {
		// One detect is one account's; checking it once gives a missing
		// account its own NotFound rather than a foreign key failure.
		checked := ""
		for _, f := range faces {
			if f.Account != checked {
				if err := accountExists(ctx, tx, f.Account); err != nil {
					return err
				}
				checked = f.Account
			}
			_, err := tx.ExecContext(ctx, insertDetectedFace, f.ID, f.Account,
				f.Rect.Left, f.Rect.Top, f.Rect.Width, f.Rect.Height,
				f.DetectionModel, f.RecognitionModel, storecodec.EncodeFeature(f.Feature), storecodec.Nanos(f.CreatedAt), storecodec.Nanos(f.ExpiresAt))
			if err != nil {
				return interpretError(err, facesnap.ObjectFace, f.ID)
			}
		}
		return nil
	})
}

func (s *store) DetectedFaceGet(ctx context.Context, account, faceID string) (facesnap.DetectedFace, error) {
	var f facesnap.DetectedFace
	var feature []byte
	var created, expires int64
	err := s.reader().QueryRowContext(ctx,
		`SELECT `+detectedFaceColumns+` FROM detected_faces WHERE face_id = ? AND account = ?`, faceID, account).
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
	err := s.writeTx(ctx, func(tx *txq) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM detected_faces WHERE expires_at < ?`, storecodec.Nanos(expiredBefore))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
