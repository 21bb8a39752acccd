// Package sdktest proves facesnap's wire compatibility the way Azurite and
// fake-gcs-server prove theirs: each test starts facesnap as a real process
// (see harness) and drives it with the official Go client,
// github.com/Azure/azure-sdk-for-go/services/cognitiveservices/v1.0/face,
// unmodified. Checks the client cannot reach (it validates before sending)
// are made with raw HTTP in raw_*_test.go. The JS client's suite is in js/.
//
// This is a module of its own so that the SDKs never become dependencies of
// the product.
package sdktest
