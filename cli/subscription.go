package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"facesnap/client"
)

// probeSubscription finds the subscription id of the key c uses, through
// facesnap's GET /account extension: the Face API itself has no call that
// names the caller's subscription. A server without it (the hosted
// service) makes the caller pass the id.
func probeSubscription(ctx context.Context, c *client.Client) (string, error) {
	a, err := c.Account(ctx)
	var apiErr *client.Error
	if errors.As(err, &apiErr) && (apiErr.StatusCode == 404 || apiErr.StatusCode == 405) {
		// The cause first: a server without facesnap's GET /account (the
		// hosted service, another implementation, a wrong endpoint).
		return "", fmt.Errorf("the target server answered GET /account with %d %s, so it is not a facesnap server "+
			"(or the endpoint is wrong) and cannot say which subscription its key belongs to; if it is a Face API, "+
			"pass --to-subscription: %w", apiErr.StatusCode, orDash(apiErr.Code), err)
	}
	if err != nil {
		return "", fmt.Errorf("find the target's subscription: %w", err)
	}
	if a.SubscriptionID != "" {
		return a.SubscriptionID, nil
	}
	if sub, ok := subscriptionOf(a.Account); ok {
		return sub, nil
	}
	return "", usageErrorf("the target server named its account %q, which holds no subscription id: pass --to-subscription", a.Account)
}

// subscriptionOf reads the id of an account path:
// /subscriptions/{id}/resourceGroups/….
func subscriptionOf(account string) (string, bool) {
	parts := strings.Split(strings.Trim(account, "/"), "/")
	if len(parts) < 2 || !strings.EqualFold(parts[0], "subscriptions") || parts[1] == "" {
		return "", false
	}
	return parts[1], true
}
