package client

import (
	"context"
	"net/http"
)

// Account is the account a key belongs to.
type Account struct {
	// Account is the account's path, as a Snapshot's Account gives it.
	Account string `json:"account"`
	// SubscriptionID is what an applyScope names to let this account
	// apply a snapshot.
	SubscriptionID string `json:"subscriptionId"`
}

// Account returns the account of the client's key. It is a facesnap
// extension (GET /account); the hosted service answers 404.
func (c *Client) Account(ctx context.Context) (Account, error) {
	var a Account
	_, err := c.call(ctx, request{method: http.MethodGet, path: "/account", want: http.StatusOK}, &a)
	return a, err
}
