package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"facesnap"
	"facesnap/client"
	"facesnap/snapfile"
)

// probeSubscription finds the subscription id of the key c uses.
//
// The Face API has no call that names the caller's subscription, and
// facesnap adds none; the one answer that carries it is a snapshot the
// caller owns, whose account is /subscriptions/{id}/…. So this imports
// an empty snapshot (a facesnap extension), reads its account and
// deletes it again. A server without import (the cloud service) makes
// the caller pass the id instead.
func probeSubscription(ctx context.Context, c *client.Client) (string, error) {
	var buf bytes.Buffer
	w := snapfile.NewWriter(&buf)
	err := w.Collection(facesnap.Collection{
		CollectionRef:    facesnap.CollectionRef{Account: "probe", Kind: facesnap.KindFaceList, ID: "facesnap-subscription-probe"},
		RecognitionModel: facesnap.DefaultRecognitionModel,
		CreatedAt:        time.Now().UTC(),
	}, facesnap.Training{Status: facesnap.TrainingNotStarted}, facesnap.CollectionStats{})
	if err == nil {
		_, err = w.Close()
	}
	if err != nil {
		return "", fmt.Errorf("write probe snapshot: %w", err)
	}
	s, err := c.ImportSnapshot(ctx, bytes.NewReader(buf.Bytes()), client.ImportSnapshotRequest{
		UserData: "facesnap migrate: finding this account's subscription; deleted at once",
	})
	var apiErr *client.Error
	if errors.As(err, &apiErr) && (apiErr.StatusCode == 404 || apiErr.StatusCode == 405) {
		return "", usageErrorf("the target server does not say which subscription its key belongs to (it has no snapshot import): pass --to-subscription")
	}
	if err != nil {
		return "", fmt.Errorf("find the target's subscription: %w", err)
	}
	if err := c.DeleteSnapshot(ctx, s.ID); err != nil {
		return "", fmt.Errorf("delete probe snapshot %s: %w", s.ID, err)
	}
	if sub, ok := subscriptionOf(s.Account); ok {
		return sub, nil
	}
	return "", usageErrorf("the target server named its account %q, which holds no subscription id: pass --to-subscription", s.Account)
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
