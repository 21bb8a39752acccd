// Package client is a Go client for the Face API v1.0 as facesnap serves it:
// detection and recognition (identify, verify, find-similar, group), face
// collections, persons and faces, snapshots and the asynchronous
// operations that take and apply them (WaitOperation, and WaitTraining for
// trainings), plus facesnap's extensions (operation
// progress, operation listing, snapshot export and import).
//
// It imports nothing from the server, so third parties can depend on it
// alone. Every call takes a context first; a Client holds no global state and
// is safe for concurrent use.
//
// Models marshal to the wire format facesnap and the service write: camelCase
// names in their order, optional fields omitted when empty, and times as UTC
// with seven fractional digits (see Time).
package client
