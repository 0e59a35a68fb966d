package sources

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Subdir is where the kept readings live under the state directory: one
// file per schedule, <schedule>.json.
const Subdir = "sources"

// maxKeptSize bounds a kept file read back: a reading is a few kilobytes,
// and the fetch limit bounds what one can hold.
const maxKeptSize = 16 << 20

// Path is the file that keeps the reading of a schedule's source. Schedule
// ids may only hold letters, digits, '.', '_' and '-' (config checks it),
// so an id cannot climb out of the directory.
func Path(stateDir, schedule string) string {
	return filepath.Join(stateDir, Subdir, schedule+".json")
}

// Load reads the kept file of a schedule. A schedule never refreshed has no
// file: Load returns nil and no error.
func Load(stateDir, schedule string) (*Kept, error) {
	path := Path(stateDir, schedule)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the kept reading: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxKeptSize+1))
	if err == nil && len(b) > maxKeptSize {
		err = fmt.Errorf("larger than %d bytes", maxKeptSize)
	}
	var k Kept
	if err == nil {
		err = json.Unmarshal(b, &k)
	}
	if err != nil {
		return nil, fmt.Errorf("read the kept reading %s: %w", path, err)
	}
	k.normalise()
	return &k, nil
}

// Save writes the kept file atomically: a temporary file beside it, synced,
// then renamed over it and the directory synced, so that a crash leaves
// either the old reading or the new one, never half of one. The files are
// private to hoursd's user like the rest of the state.
func Save(stateDir string, k *Kept) error {
	dir := filepath.Join(stateDir, Subdir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("keep the reading: %w", err)
	}
	b, err := json.MarshalIndent(k, "", "  ")
	if err != nil {
		return fmt.Errorf("keep the reading: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+k.Schedule+".*.tmp")
	if err != nil {
		return fmt.Errorf("keep the reading: %w", err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("keep the reading: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("keep the reading: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("keep the reading: %w", err)
	}
	if err := os.Rename(tmp.Name(), Path(stateDir, k.Schedule)); err != nil {
		return fmt.Errorf("keep the reading: %w", err)
	}
	done = true
	if d, err := os.Open(dir); err == nil {
		// The rename is durable once the directory is: without this a
		// crash could bring back the old file.
		_ = d.Sync()
		d.Close()
	}
	return nil
}
