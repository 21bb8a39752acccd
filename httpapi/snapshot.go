package httpapi

// registerSnapshotRoutes registers the snapshot and operation routes. This
// placeholder keeps the package building until they land.
func (s *Server) registerSnapshotRoutes() {}
