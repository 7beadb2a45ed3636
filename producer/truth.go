package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	"github.com/pitwall-f1/pitwall/internal/sim"
)

// truthWriter writes truth events as JSON lines.
type truthWriter struct {
	w   *bufio.Writer
	enc *json.Encoder
}

func (t *truthWriter) write(tr *sim.Truth) error {
	if t.w == nil {
		return nil
	}
	return t.enc.Encode(tr)
}

func (t *truthWriter) Flush() error {
	if t.w == nil {
		return nil
	}
	if err := t.w.Flush(); err != nil {
		return fmt.Errorf("writing --truth file: %w", err)
	}
	return nil
}

func openTruth(path string) (*truthWriter, func(), error) {
	if path == "" {
		return &truthWriter{}, func() {}, nil
	}
	fh, err := os.Create(path)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot write the --truth file: %w", err)
	}
	w := bufio.NewWriter(fh)
	return &truthWriter{w: w, enc: json.NewEncoder(w)}, func() { _ = w.Flush(); _ = fh.Close() }, nil
}
