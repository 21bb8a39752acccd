package cli

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"facesnap/client"
	"facesnap/snapfile"
)

// Exit codes scripts can rely on; README.md and `facesnap --help` list
// them too.
const (
	exitOK     = 0
	exitFailed = 1 // an operation failed, or a check found a mismatch
	exitUsage  = 2
	exitAPI    = 3 // the server answered 4xx or 5xx
	exitOther  = 4 // network and everything else
)

const exitCodesHelp = `Exit codes:
  0  ok
  1  an operation failed, a verification found a mismatch, a snapshot file
     is damaged, or some images of a folder were not added
  2  usage error (flags, arguments)
  3  API error: the server answered 4xx or 5xx
  4  network or other error

Client commands read the server from --endpoint and --key, or from the
environment: FACE_ENDPOINT and FACE_SUBSCRIPTION_KEY.`

// usageError is a mistake in the command line.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErr(err error) error { return &usageError{err} }

func usageErrorf(format string, a ...any) error {
	return &usageError{fmt.Errorf(format, a...)}
}

// failedError is an outcome that is not what was asked for, although
// every call succeeded: a count mismatch, a damaged file, skipped images.
type failedError struct{ msg string }

func (e *failedError) Error() string { return e.msg }

func failedf(format string, a ...any) error {
	return &failedError{fmt.Sprintf(format, a...)}
}

// ExitCode maps an error of Main.Run to the process exit code.
func ExitCode(err error) int {
	var (
		usage  *usageError
		failed *failedError
		opErr  *client.OperationFailedError
		apiErr *client.Error
	)
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &usage) || isCobraUsage(err):
		return exitUsage
	case errors.As(err, &failed) || errors.As(err, &opErr),
		errors.Is(err, snapfile.ErrCorrupt) || errors.Is(err, snapfile.ErrVersion):
		return exitFailed
	case errors.As(err, &apiErr):
		return exitAPI
	default:
		return exitOther
	}
}

// isCobraUsage recognises the usage errors cobra itself returns from the
// root command, which carry no type to test.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, prefix := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument", "required flag"} {
		if strings.HasPrefix(msg, prefix) {
			return true
		}
	}
	return false
}

// errorJSON is the body of a failure on stdout with --output json: the
// API's own error shape.
type errorJSON struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// errorDocument describes err for a script: the server's error code when
// the server refused, otherwise the class of its exit code (UsageError,
// OperationFailed, Error), with the message the command prints on stderr.
func errorDocument(err error) errorJSON {
	var doc errorJSON
	doc.Error.Message = err.Error()
	var apiErr *client.Error
	switch ExitCode(err) {
	case exitUsage:
		doc.Error.Code = "UsageError"
	case exitFailed:
		doc.Error.Code = "OperationFailed"
	case exitAPI:
		doc.Error.Code = strconv.Itoa(http.StatusInternalServerError)
		if errors.As(err, &apiErr) {
			doc.Error.Code = apiErr.Code
			if doc.Error.Code == "" {
				doc.Error.Code = strconv.Itoa(apiErr.StatusCode)
			}
		}
	default:
		doc.Error.Code = "Error"
	}
	return doc
}
