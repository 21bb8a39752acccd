package httpapi

import (
	"context"
	"errors"
	"net/http"

	"facesnap"
	"facesnap/accounts"
	"facesnap/collections"
	"facesnap/recognition"
)

// apiError is an error whose HTTP answer the API layer decides itself:
// authentication, content types, rate limits, unknown routes.
type apiError struct {
	Status     int
	Code       string
	Message    string
	RetryAfter string // Retry-After header, for 429
}

func (e *apiError) Error() string { return e.Message }

var (
	errMissingKey = &apiError{Status: http.StatusUnauthorized, Code: "401",
		Message: "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API."}
	errInvalidKey = &apiError{Status: http.StatusUnauthorized, Code: "401",
		Message: "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}
	errRouteNotFound    = &apiError{Status: http.StatusNotFound, Code: "404", Message: "Resource not found."}
	errMethodNotAllowed = &apiError{Status: http.StatusMethodNotAllowed, Code: "405", Message: "Method not allowed for this resource."}
	errMediaType        = &apiError{Status: http.StatusUnsupportedMediaType, Code: "BadArgument",
		Message: "Invalid Media Type: send the image as application/octet-stream, or its URL as application/json."}
	errMediaTypeJSON = &apiError{Status: http.StatusUnsupportedMediaType, Code: "BadArgument",
		Message: "Invalid Media Type: the request body must be application/json."}
)

// statusClientClosed is logged (never sent) for requests whose client went
// away, as nginx does.
const statusClientClosed = 499

// errorBody is the API's error document.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

const internalMessage = "An internal server error occurred. Please retry the request; if it persists, report it with the request id."

// errorResponse maps an error to its HTTP status and API error. It is the
// one place where errors become statuses. ok is false for errors nobody
// expects: they are 500s whose detail must be logged, not shown.
func errorResponse(err error) (status int, body errorDetail, ok bool) {
	var (
		api          *apiError
		notTrained   *collections.NotTrainedError
		unsearchable *recognition.NotTrainedError
		training     *collections.TrainingNotFinishedError
		noEngine     *collections.NoEngineError
		notFound     *facesnap.NotFoundError
		exists       *facesnap.ExistsError
		invalid      *facesnap.InvalidError
		quota        *facesnap.QuotaError
		conflict     *facesnap.ConflictError
		tooLarge     *http.MaxBytesError
	)
	switch {
	case errors.As(err, &api):
		return api.Status, errorDetail{api.Code, api.Message}, true
	case errors.Is(err, accounts.ErrUnauthorized):
		return errInvalidKey.Status, errorDetail{errInvalidKey.Code, errInvalidKey.Message}, true
	// 501, not 503: the SDKs retry a 503 for minutes, and only the
	// operator can fix this (scripts/fetch-models, --models).
	case errors.As(err, &noEngine):
		return http.StatusNotImplemented, errorDetail{"NotImplemented", noEngine.Message}, true
	case errors.As(err, &notTrained):
		return http.StatusNotFound, errorDetail{notTrained.Code(), notTrained.Message}, true
	case errors.As(err, &unsearchable):
		return http.StatusBadRequest, errorDetail{unsearchable.Code(), unsearchable.Message}, true
	case errors.As(err, &training):
		return http.StatusConflict, errorDetail{training.Code(), training.Message}, true
	case errors.As(err, &notFound):
		return http.StatusNotFound, errorDetail{string(notFound.Object) + "NotFound", notFound.Message}, true
	case errors.As(err, &exists):
		return http.StatusConflict, errorDetail{string(exists.Object) + "Exists", exists.Message}, true
	case errors.As(err, &invalid):
		return http.StatusBadRequest, errorDetail{string(invalid.Reason), invalid.Message}, true
	case errors.As(err, &quota):
		return http.StatusForbidden, errorDetail{"QuotaExceeded", quota.Message}, true
	case errors.As(err, &conflict):
		return http.StatusConflict, errorDetail{"Conflict", conflict.Message}, true
	case errors.As(err, &tooLarge):
		return http.StatusBadRequest, errorDetail{string(facesnap.ReasonBadArgument), "Request body is too large."}, true
	case errors.Is(err, context.Canceled):
		return statusClientClosed, errorDetail{"RequestCanceled", "The request was canceled."}, true
	// Sentinels without their typed error still say what happened.
	case errors.Is(err, facesnap.ErrNotFound):
		return http.StatusNotFound, errorDetail{"NotFound", "The object is not found."}, true
	case errors.Is(err, facesnap.ErrExists):
		return http.StatusConflict, errorDetail{"Conflict", "The object already exists."}, true
	case errors.Is(err, facesnap.ErrInvalid):
		return http.StatusBadRequest, errorDetail{string(facesnap.ReasonBadArgument), "The request is invalid."}, true
	case errors.Is(err, facesnap.ErrQuota):
		return http.StatusForbidden, errorDetail{"QuotaExceeded", "A limit of the service was reached."}, true
	case errors.Is(err, facesnap.ErrConflict):
		return http.StatusConflict, errorDetail{"Conflict", "The object is busy with another change."}, true
	}
	return http.StatusInternalServerError, errorDetail{"InternalServerError", internalMessage}, false
}

// writeError renders err as the API's JSON error and logs it: unexpected
// errors with their detail and the request id, client errors briefly.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, body, ok := errorResponse(err)
	log := s.log.With("request_id", requestID(r.Context()), "method", r.Method, "path", r.URL.Path)
	switch {
	case !ok:
		log.Error("request failed", "err", err)
	case status == statusClientClosed:
		// Nobody reads the answer; the status is for the access log and
		// the metrics.
		log.Info("client went away", "err", err)
		w.WriteHeader(statusClientClosed)
		return
	default:
		log.Debug("request refused", "status", status, "code", body.Code, "err", err)
	}
	var api *apiError
	if errors.As(err, &api) && api.RetryAfter != "" {
		w.Header().Set("Retry-After", api.RetryAfter)
	}
	writeJSON(w, status, errorBody{Error: body})
}
