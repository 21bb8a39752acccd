package httpapi

import (
	"net/http"

	"facesnap"
)

// accountJSON tells a key which account it belongs to (extension): the
// subscription id is what another account's snapshot applyScope names,
// and the Face API has no call that says it.
type accountJSON struct {
	Account        string `json:"account"`
	SubscriptionID string `json:"subscriptionId"`
}

func (s *Server) registerAccountRoutes() {
	s.handle("GET /account", func(w http.ResponseWriter, _ *http.Request, acct facesnap.Account) error {
		writeJSON(w, http.StatusOK, accountJSON{Account: acct.Path(), SubscriptionID: acct.SubscriptionID})
		return nil
	})
}
