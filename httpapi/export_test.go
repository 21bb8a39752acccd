package httpapi

// ClientPrefix exposes clientPrefix to the external tests.
var ClientPrefix = clientPrefix
