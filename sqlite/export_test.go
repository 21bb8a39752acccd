package sqlite

// PersonCacheLen is how many persons db's cache holds now.
func PersonCacheLen(db *DB) int {
	db.persons.mu.Lock()
	defer db.persons.mu.Unlock()
	return len(db.persons.entries)
}
