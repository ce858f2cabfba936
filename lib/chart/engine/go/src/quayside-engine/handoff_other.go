//go:build !linux && !(js && wasm)

package main

import (
	"errors"
	"io"
)

// handoffStreams: only Linux builds are taken over from the launcher (handoff_linux.go).
func handoffStreams(parent int) (io.Reader, io.Writer, error) {
	return nil, nil, errors.New("--handoff is supported on Linux only")
}
