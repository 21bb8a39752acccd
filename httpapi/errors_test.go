package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"facesnap"
	"facesnap/accounts"
	"facesnap/collections"
)

func TestErrorResponse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		err    error
		status int
		code   string
		msg    string // empty: not checked
		ok     bool
	}{
		{"NotFound", facesnap.NotFound(facesnap.ObjectPersonGroup, "g"), 404, "PersonGroupNotFound", "Person group 'g' is not found.", true},
		{"NotFoundWrapped", fmt.Errorf("get: %w", facesnap.NotFound(facesnap.ObjectPersistedFace, "f")), 404, "PersistedFaceNotFound", "", true},
		{"NotFoundLargeFaceList", facesnap.NotFound(facesnap.ObjectLargeFaceList, "l"), 404, "LargeFaceListNotFound", "", true},
		{"NotTrained", &collections.NotTrainedError{Kind: facesnap.KindLargePersonGroup, Message: "Large person group not trained."}, 404, "LargePersonGroupNotTrained", "Large person group not trained.", true},
		{"TrainingNotFinished", &collections.TrainingNotFinishedError{Kind: facesnap.KindPersonGroup, Message: "busy"}, 409, "PersonGroupTrainingNotFinished", "busy", true},
		{"Exists", facesnap.Exists(facesnap.ObjectFaceList, "f"), 409, "FaceListExists", "Face list 'f' already exists.", true},
		{"InvalidBadArgument", facesnap.Invalidf("Name is too long."), 400, "BadArgument", "Name is too long.", true},
		{"InvalidImageSize", &facesnap.InvalidError{Reason: facesnap.ReasonInvalidImageSize, Message: "too big"}, 400, "InvalidImageSize", "too big", true},
		{"InvalidURL", &facesnap.InvalidError{Reason: facesnap.ReasonInvalidURL, Message: "bad url"}, 400, "InvalidURL", "", true},
		{"Quota", &facesnap.QuotaError{Message: "Person number reached limit."}, 403, "QuotaExceeded", "Person number reached limit.", true},
		{"Conflict", &facesnap.ConflictError{Message: "busy"}, 409, "Conflict", "busy", true},
		{"Unauthorized", accounts.ErrUnauthorized, 401, "401", errInvalidKey.Message, true},
		{"MissingKey", errMissingKey, 401, "401", errMissingKey.Message, true},
		{"MediaType", errMediaType, 415, "BadArgument", "", true},
		{"RateLimited", errRateLimited(1500e6), 429, "429", "Rate limit is exceeded. Try again in 2 seconds.", true},
		{"BodyTooLarge", &http.MaxBytesError{Limit: 10}, 400, "BadArgument", "", true},
		{"Canceled", fmt.Errorf("query: %w", context.Canceled), statusClientClosed, "RequestCanceled", "", true},
		{"SentinelOnly", fmt.Errorf("store: %w", facesnap.ErrNotFound), 404, "NotFound", "", true},
		{"Unknown", errors.New("disk on fire: /var/lib/secret"), 500, "InternalServerError", internalMessage, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, body, ok := errorResponse(tt.err)
			if status != tt.status || body.Code != tt.code || ok != tt.ok || (tt.msg != "" && body.Message != tt.msg) {
				t.Errorf("errorResponse(%v) = %d %+v %v, want %d %s %q %v", tt.err, status, body, ok, tt.status, tt.code, tt.msg, tt.ok)
			}
			if body.Message == "" {
				t.Errorf("errorResponse(%v): empty message", tt.err)
			}
		})
	}
}
