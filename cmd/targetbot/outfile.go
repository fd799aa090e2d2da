package main

import (
	"errors"
	"io/fs"
	"path/filepath"
)

// outFileError is a failure to write the file --out names, worded for
// the person who typed it: the folder that does not exist, or why the
// file could not be written, without os's operation or the name of the
// temporary file a write goes through.
type outFileError struct {
	path string
	err  error
}

// Error is "--out PATH: why".
func (e *outFileError) Error() string {
	if errors.Is(e.err, fs.ErrNotExist) {
		return "--out " + e.path + ": the folder " + filepath.Dir(e.path) + " does not exist: create it, or choose another path"
	}
	why := e.err
	var pe *fs.PathError
	if errors.As(e.err, &pe) {
		why = pe.Err
	}
	return "--out " + e.path + ": " + why.Error()
}

// Unwrap is the error writing the file.
func (e *outFileError) Unwrap() error { return e.err }
