package collections

import (
	"context"
	"log/slog"
	"time"

	"facesnap"
	"facesnap/engine"
	"facesnap/faceattr"
	"facesnap/faceimage"
)

// DetectParams describe a detect call. The image comes from Image, or from
// URL when ByURL is set.
type DetectParams struct {
	Image []byte
	ByURL bool
	URL   string
	// ReturnFaceID keeps the faces under new faceIds, with their
	// descriptors, for FaceIDTimeToLive seconds (0: 24 hours).
	ReturnFaceID     bool
	FaceIDTimeToLive int
	ReturnLandmarks  bool
	// FaceAttributes is returnFaceAttributes, comma-separated.
	FaceAttributes   string
	DetectionModel   string // empty: detection_01
	RecognitionModel string // empty: recognition_01
}

// DetectedFace is one face of a detect answer.
type DetectedFace struct {
	FaceID    string // empty unless ReturnFaceID
	Rect      facesnap.Rect
	Landmarks *[27]engine.Point // in engine.LandmarkNames order; nil unless asked
	// Attributes are those asked for; nil when none was.
	Attributes *faceattr.Attributes
	// RecognitionModel is the model the faceId was made with.
	RecognitionModel string
}

// Detect finds the faces of an image, largest first, at most 100.
func (s *Service) Detect(ctx context.Context, acct facesnap.Account, p DetectParams) ([]DetectedFace, error) {
	detModel, err := DetectionModel(p.DetectionModel)
	if err != nil {
		return nil, err
	}
	recModel, err := RecognitionModel(p.RecognitionModel)
	if err != nil {
		return nil, err
	}
	ttl := facesnap.DetectedFaceTTL
	if p.FaceIDTimeToLive != 0 {
		ttl = time.Duration(p.FaceIDTimeToLive) * time.Second
		if ttl < facesnap.MinDetectedFaceTTL || ttl > facesnap.DetectedFaceTTL {
			return nil, facesnap.Invalidf("Invalid argument faceIdTimeToLive: %d. The valid range is from %d to %d seconds.",
				p.FaceIDTimeToLive, int(facesnap.MinDetectedFaceTTL.Seconds()), int(facesnap.DetectedFaceTTL.Seconds()))
		}
	}
	// detection_02 finds faces only, as the service documents.
	if p.ReturnLandmarks && detModel == "detection_02" {
		return nil, facesnap.Invalidf("Face landmarks are not supported by detection_02: set returnFaceLandmarks=false or use detection_01 or detection_03.")
	}
	attrs, err := faceattr.Parse(p.FaceAttributes, detModel, recModel)
	if err != nil {
		return nil, err
	}
	if s.Engine == nil {
		return nil, ErrNoEngine
	}
	data, err := s.imageData(ctx, p.Image, p.ByURL, p.URL)
	if err != nil {
		return nil, err
	}
	img, err := faceimage.Decode(data)
	if err != nil {
		return nil, err
	}
	out, keep, err := s.detectFaces(ctx, acct, newUpright(img, data), p, attrs, detModel, recModel, ttl)
	if err != nil {
		return nil, err
	}
	// The store is written after the engine's slot is given back.
	if err := s.Store.DetectedFaceCreate(ctx, keep); err != nil {
		return nil, err
	}
	return out, nil
}

// detectFaces runs the engine on a detect's picture: the answer, and the
// faces to keep under their faceIds.
func (s *Service) detectFaces(ctx context.Context, acct facesnap.Account, u upright, p DetectParams, attrs faceattr.Set, detModel, recModel string, ttl time.Duration) ([]DetectedFace, []facesnap.DetectedFace, error) {
	release, err := s.engineSlot(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer release()
	px, err := u.pixels()
	if err != nil {
		return nil, nil, err
	}
	dets, err := s.Engine.Detect(ctx, px)
	if err != nil {
		return nil, nil, err
	}
	dets = detectable(dets, u)
	if len(dets) > engine.DefaultMaxResults {
		dets = dets[:engine.DefaultMaxResults]
	}
	out := make([]DetectedFace, len(dets))
	var keep []facesnap.DetectedFace
	now := s.now()
	for i, d := range dets {
		out[i] = DetectedFace{Rect: d.Rect, RecognitionModel: recModel}
		if p.ReturnLandmarks {
			lm := d.Landmarks27()
			out[i].Landmarks = &lm
		}
		if len(attrs) > 0 {
			a := faceattr.Measure(px, d, attrs)
			out[i].Attributes = &a
		}
		if !p.ReturnFaceID {
			continue
		}
		// The descriptor is only needed to compare the face later, which
		// only a faceId allows.
		feature, err := s.Engine.Descriptor(ctx, px, d)
		if err != nil {
			return nil, nil, err
		}
		out[i].FaceID = s.newID()
		keep = append(keep, facesnap.DetectedFace{
			ID:               out[i].FaceID,
			Account:          acct.Name,
			Rect:             d.Rect,
			DetectionModel:   detModel,
			RecognitionModel: recModel,
			Feature:          feature,
			CreatedAt:        now,
			ExpiresAt:        now.Add(ttl),
		})
	}
	return out, keep, nil
}

// imageData returns the image of a request: the body, or the download of
// its URL.
func (s *Service) imageData(ctx context.Context, data []byte, byURL bool, url string) ([]byte, error) {
	if !byURL {
		return data, nil
	}
	if url == "" {
		return nil, &facesnap.InvalidError{Reason: facesnap.ReasonInvalidURL, Message: "Invalid image URL: the url is empty."}
	}
	if s.Fetcher == nil {
		return nil, &facesnap.InvalidError{Reason: facesnap.ReasonInvalidURL, Message: "Images from a URL are not enabled on this server."}
	}
	return s.Fetcher.Fetch(ctx, url)
}

// PurgeDetectedFaces deletes the detected faces that have expired.
func (s *Service) PurgeDetectedFaces(ctx context.Context) (int64, error) {
	return s.Store.DetectedFacePurge(ctx, s.now())
}

// RunDetectedFacePurger purges expired detected faces every interval until
// ctx is done, so that faceIds do not pile up in the store.
func (s *Service) RunDetectedFacePurger(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := s.PurgeDetectedFaces(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("detected face purge failed", "err", err)
		case n > 0:
			log.Debug("purged expired detected faces", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
