package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"facesnap"
)

// maxJSONBody caps JSON request bodies; the largest valid one (a 16 KB
// userData, escaped) is far below.
const maxJSONBody = 1 << 20

// contentTypeJSON goes on every JSON body, errors included: the JS client
// reads error codes only from a body it recognises as JSON.
const contentTypeJSON = "application/json; charset=utf-8"

// TimeFormat is how the API writes times: UTC with 7 fractional digits.
const TimeFormat = "2006-01-02T15:04:05.0000000Z"

// writeJSON writes v as the JSON response with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only a programming error gets here; say so in JSON still.
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"InternalServerError","message":"` + internalMessage + `"}}`)
	}
	w.Header().Set("Content-Type", contentTypeJSON)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeEmpty answers with a status and no body, as the service does for
// PUT, PATCH, DELETE (200) and train (202).
func writeEmpty(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(status)
}

// errBadBody is the answer to a body that is not the JSON expected.
var errBadBody = facesnap.Invalidf("Request body is invalid.")

// decodeJSON reads a JSON request body (at most maxJSONBody) into v.
// Unknown fields are ignored, as the service does; an empty, malformed or
// mistyped body is a 400 BadArgument, a body that is not JSON a 415.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !isJSON(ct) {
		return errMediaTypeJSON
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return facesnap.Invalidf("Request body is too large: the limit is %d bytes.", maxJSONBody)
		}
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return errBadBody
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errBadBody
	}
	return nil
}

// isJSON reports whether a Content-Type names JSON, with any parameters.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || mt == "text/json")
}

// optString is userData on the wire: left out when empty, as the SDK
// suites expect of data never set.
func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// apiTime is a time as the API writes it.
type apiTime time.Time

func (t apiTime) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format(TimeFormat) + `"`), nil
}

// optTime is nil for a zero time, which the API leaves out.
func optTime(t time.Time) *apiTime {
	if t.IsZero() {
		return nil
	}
	at := apiTime(t)
	return &at
}

// queryBool parses an optional boolean query parameter.
func queryBool(r *http.Request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, facesnap.Invalidf("Parameter %s is invalid: '%s' is not a boolean.", name, v)
	}
	return b, nil
}

// queryInt parses an optional integer query parameter; 0 when absent.
func queryInt(r *http.Request, name string) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n == 0 {
		// 0 is not "absent": it is out of range like any other.
		return 0, facesnap.Invalidf("Parameter %s is invalid: '%s' is not an integer in range.", name, v)
	}
	return n, nil
}
