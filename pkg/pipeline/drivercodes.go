package pipeline

import "strings"

// driverCodes turns the driver of a record (its driver field or its key,
// as bytes) into the upper-case code that queries filter on and labels
// carry, converting each distinct spelling once instead of making a new
// string for every record. It remembers at most maxDriverCodes spellings;
// past that (a topic of hostile keys), each record converts its own.
type driverCodes map[string]string

const maxDriverCodes = 256

func (c *driverCodes) code(b []byte) string {
	if s, ok := (*c)[string(b)]; ok {
		return s
	}
	s := strings.ToUpper(string(b))
	if *c == nil {
		*c = driverCodes{}
	}
	if len(*c) < maxDriverCodes {
		(*c)[string(b)] = s
	}
	return s
}
