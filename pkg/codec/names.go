package codec

// Names interns flattened field names to small ids, so a record's fields
// carry an int32 rather than a freshly built string, and a frame builder can
// find a field's column by indexing a slice. Not safe for concurrent use:
// each Decoder (one per query or stream) has its own.
type Names struct {
	ids   map[string]int32
	names []string
	max   int
}

// NewNames returns an empty table that holds at most max names (0: no limit).
func NewNames(max int) *Names {
	return &Names{ids: make(map[string]int32, 64), max: max}
}

// ID returns the id of name, adding it if new. ok is false when the table is
// full and name is not in it.
func (n *Names) ID(name []byte) (id int32, ok bool) {
	if id, ok := n.ids[string(name)]; ok { // no allocation for the lookup
		return id, true
	}
	return n.add(string(name))
}

// IDString is ID for a string name.
func (n *Names) IDString(name string) (id int32, ok bool) {
	if id, ok := n.ids[name]; ok {
		return id, true
	}
	return n.add(name)
}

func (n *Names) add(name string) (int32, bool) {
	if n.max > 0 && len(n.names) >= n.max {
		return -1, false
	}
	id := int32(len(n.names)) // #nosec G115 -- a names table holds far fewer than 2^31 names
	n.names = append(n.names, name)
	n.ids[name] = id
	return id, true
}

// Lookup returns the id of name without adding it.
func (n *Names) Lookup(name string) (int32, bool) {
	id, ok := n.ids[name]
	return id, ok
}

// Name returns the name of id.
func (n *Names) Name(id int32) string { return n.names[id] }

// Len is the number of names.
func (n *Names) Len() int { return len(n.names) }
