package client

import (
	"context"
	"errors"
	"net/http"
	"testing"
)

func TestClient_Account(t *testing.T) {
	t.Parallel()
	const path = "/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/g/providers/Microsoft.CognitiveServices/accounts/a"
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"account":"` + path + `","subscriptionId":"11111111-1111-4111-8111-111111111111"}`))
	})
	a, err := b.c.Account(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if a.Account != path || a.SubscriptionID != "11111111-1111-4111-8111-111111111111" {
		t.Fatalf("Account = %+v", a)
	}
	if r := b.requests[0]; r.Method != http.MethodGet || r.Path != "/face/v1.0/account" || r.Header.Get("Ocp-Apim-Subscription-Key") != testKey {
		t.Fatalf("request = %s %s", r.Method, r.Path)
	}

	// A server without the extension answers 404, as an *Error.
	b = setup(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"error":{"code":"404","message":"Resource not found."}}`))
	})
	var apiErr *Error
	if _, err := b.c.Account(context.Background()); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound {
		t.Fatalf("err = %v", err)
	}
}
