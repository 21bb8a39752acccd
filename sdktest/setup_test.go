package sdktest

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/services/cognitiveservices/v1.0/face"
	"github.com/Azure/go-autorest/autorest"
	"github.com/Azure/go-autorest/autorest/azure"

	"facesnap/sdktest/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }

// Recognition models newer than this Go client's enum; the type is a string
// so the client sends them as they are.
const (
	recognition03 = face.Recognition03
	recognition04 = face.RecognitionModel("recognition_04")
)

// clients holds one official client per operation group, all for one key.
type clients struct {
	FaceList               face.ListClient
	LargeFaceList          face.LargeFaceListClient
	PersonGroup            face.PersonGroupClient
	PersonGroupPerson      face.PersonGroupPersonClient
	LargePersonGroup       face.LargePersonGroupClient
	LargePersonGroupPerson face.LargePersonGroupPersonClient
	Snapshot               face.SnapshotClient
}

func newClients(endpoint, key string) clients {
	auth := autorest.NewCognitiveServicesAuthorizer(key)
	prep := func(c *autorest.Client) {
		c.Authorizer = auth
		// A 5xx is a server bug: surface it after one quick retry instead
		// of the default three 30-second waits. A 429 still honours
		// Retry-After.
		c.RetryAttempts = 1
		c.RetryDuration = 100 * time.Millisecond
		c.PollingDuration = 30 * time.Second
	}
	c := clients{
		FaceList:               face.NewListClient(endpoint),
		LargeFaceList:          face.NewLargeFaceListClient(endpoint),
		PersonGroup:            face.NewPersonGroupClient(endpoint),
		PersonGroupPerson:      face.NewPersonGroupPersonClient(endpoint),
		LargePersonGroup:       face.NewLargePersonGroupClient(endpoint),
		LargePersonGroupPerson: face.NewLargePersonGroupPersonClient(endpoint),
		Snapshot:               face.NewSnapshotClient(endpoint),
	}
	prep(&c.FaceList.Client)
	prep(&c.LargeFaceList.Client)
	prep(&c.PersonGroup.Client)
	prep(&c.PersonGroupPerson.Client)
	prep(&c.LargePersonGroup.Client)
	prep(&c.LargePersonGroupPerson.Client)
	prep(&c.Snapshot.Client)
	return c
}

// testBundle is one facesnap process with two accounts, A and B.
type testBundle struct {
	srv  *harness.Server
	a, b harness.Account
	A, B clients
}

// setup starts a fresh facesnap with its own data dir and two accounts.
func setup(t *testing.T, extraArgs ...string) *testBundle {
	t.Helper()
	a, b := harness.NewAccount(), harness.NewAccount()
	srv := harness.Start(t, harness.Options{Accounts: []harness.Account{a, b}, ExtraArgs: extraArgs})
	return &testBundle{srv: srv, a: a, b: b, A: newClients(srv.Endpoint, a.Key), B: newClients(srv.Endpoint, b.Key)}
}

func ptr[T any](v T) *T { return &v }

// deref reads an optional string for comparisons.
func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

// must fails the test when an SDK call fails, printing what it surfaced.
func must(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %s", what, describe(err))
	}
}

// describe renders an SDK error with the service's status and error body.
func describe(err error) string {
	var de autorest.DetailedError
	if !errors.As(err, &de) {
		return err.Error()
	}
	s := fmt.Sprintf("HTTP %v", de.StatusCode)
	var re *azure.RequestError
	if errors.As(err, &re) && re.ServiceError != nil {
		s += fmt.Sprintf(" code=%q message=%q", re.ServiceError.Code, re.ServiceError.Message)
	}
	if de.Response != nil {
		s += fmt.Sprintf(" Content-Type=%q (%s %s)", de.Response.Header.Get("Content-Type"), de.Response.Request.Method, de.Response.Request.URL)
	}
	return s + " -- " + err.Error()
}

// expectAPIError checks an SDK error as a caller sees it: an
// autorest.DetailedError with the HTTP status, whose original error carries
// the service body's error.code (one of codes; none given accepts any
// non-empty code), sent as application/json.
func expectAPIError(t *testing.T, err error, what string, status int, codes ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: succeeded, want HTTP %d %v", what, status, codes)
		return
	}
	var de autorest.DetailedError
	if !errors.As(err, &de) {
		t.Errorf("%s: error is %T (%v), want autorest.DetailedError with HTTP %d", what, err, err, status)
		return
	}
	if got, _ := de.StatusCode.(int); got != status {
		t.Errorf("%s: HTTP %v, want %d %v; %s", what, de.StatusCode, status, codes, describe(err))
		return
	}
	var re *azure.RequestError
	if !errors.As(err, &re) || re.ServiceError == nil {
		t.Errorf("%s: no service error body; %s", what, describe(err))
		return
	}
	if re.ServiceError.Code == "" || re.ServiceError.Code == "Unknown" {
		t.Errorf("%s: no error.code; %s", what, describe(err))
	} else if len(codes) > 0 && !slices.Contains(codes, re.ServiceError.Code) {
		t.Errorf("%s: error.code %q, want %s; %s", what, re.ServiceError.Code, strings.Join(codes, " or "), describe(err))
	}
	if re.ServiceError.Message == "" || re.ServiceError.Message == "Unknown service error" {
		t.Errorf("%s: no error.message; %s", what, describe(err))
	}
	if de.Response != nil {
		mt, _, _ := mime.ParseMediaType(de.Response.Header.Get("Content-Type"))
		if mt != "application/json" {
			t.Errorf("%s: error Content-Type %q, want application/json", what, de.Response.Header.Get("Content-Type"))
		}
	}
}

// expectStatus checks the HTTP status of a successful SDK call whose result
// is a bare autorest.Response.
func expectStatus(t *testing.T, r autorest.Response, what string, status int) {
	t.Helper()
	if r.Response == nil {
		t.Errorf("%s: no response", what)
		return
	}
	if r.StatusCode != status {
		t.Errorf("%s: HTTP %d, want %d", what, r.StatusCode, status)
	}
}

// sortedStrings reports whether ids are strictly ascending.
func sortedStrings(ids []string) bool {
	return slices.IsSorted(ids) && len(slices.Compact(slices.Clone(ids))) == len(ids)
}

// ctxFor bounds one test's SDK calls.
func ctxFor(t *testing.T) context.Context { return harness.Context(t, 2*time.Minute) }

func lower(s string) string { return strings.ToLower(s) }

// sleepBrief paces a bounded polling loop.
func sleepBrief() { time.Sleep(100 * time.Millisecond) }

// serviceTime reports whether s is a UTC time with 7 fractional digits and
// Z, as the service writes them: 2018-12-25T11:41:02.2331413Z.
func serviceTime(s string) bool {
	if len(s) != len("2018-12-25T11:41:02.2331413Z") {
		return false
	}
	if _, err := time.Parse("2006-01-02T15:04:05.0000000Z", s); err != nil {
		return false
	}
	return true
}
