package httpapi

import (
	"net/http"

	"facesnap"
)

// errNotImplemented answers the API's face operations that facesnap does
// not serve yet (the README lists them), so a client gets a clear answer
// rather than a 404 that looks like a wrong endpoint.
var errNotImplemented = &apiError{Status: http.StatusNotImplemented, Code: "NotImplemented",
	Message: "This operation is not implemented by this facesnap server yet; see the README's API section."}

// registerUnimplementedRoutes registers the Face API routes still to come:
// identification, verification, find-similar and grouping.
func (s *Server) registerUnimplementedRoutes() {
	for _, pattern := range []string{
		"POST /findsimilars",
		"POST /group",
		"POST /identify",
		"POST /verify",
	} {
		s.handle(pattern, func(http.ResponseWriter, *http.Request, facesnap.Account) error {
			return errNotImplemented
		})
	}
}
