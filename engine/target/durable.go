package target

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"regexp"
	"sync"
)

// durableRecord tells a reconnecting source where to resume: the last
// sequence of a job's stream (identified by the source's epoch) the target
// has applied. It holds two numbers in one 48-byte record rewritten in
// place at offset 0:
//
//   - durable: made durable by an fsync'd batch commit (fdatasync of the
//     record follows the data's sync);
//   - applied: written (not synced) after every applied op, with the boot
//     ID of the running kernel.
//
// After a process crash (kill -9) the page cache survived, so everything
// applied is on disk and the source resumes after applied: replaying ops
// already applied is not idempotent (a replayed create can land in a
// directory renamed away since). After a power loss (a new boot ID) only
// durable is trusted. A torn or corrupt record (bad CRC) reads as nothing
// applied, which makes the source resend ops the applier tolerates.
type durableRecord struct {
	mu      sync.Mutex // the applier marks, the committer stores
	f       *os.File
	epoch   uint64
	durable uint64
	applied uint64
	boot    [16]byte
	buf     [recordSize]byte
}

const recordSize = 8 + 8 + 8 + 16 + 4 + 4 // epoch, durable, applied, boot ID, reserved, CRC

var jobIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`)

// bootID identifies the running kernel; all zero where it cannot be read,
// which makes only the durable sequence trusted.
var bootID = func() [16]byte {
	var id [16]byte
	b, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return id
	}
	copy(id[:], bytes.ReplaceAll(bytes.TrimSpace(b), []byte("-"), nil))
	return id
}()

func openDurable(dir, jobID string) (*durableRecord, error) {
	if !jobIDPattern.MatchString(jobID) {
		return nil, fmt.Errorf("job ID %q is not a valid identifier", jobID)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("durable state: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, jobID+".seq"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("durable state: %w", err)
	}
	d := &durableRecord{f: f}
	if n, _ := f.ReadAt(d.buf[:], 0); n == len(d.buf) &&
		crc32.ChecksumIEEE(d.buf[:recordSize-4]) == binary.BigEndian.Uint32(d.buf[recordSize-4:]) {
		d.epoch = binary.BigEndian.Uint64(d.buf[0:])
		d.durable = binary.BigEndian.Uint64(d.buf[8:])
		d.applied = binary.BigEndian.Uint64(d.buf[16:])
		copy(d.boot[:], d.buf[24:40])
	}
	return d, nil
}

// durableFor returns the sequence the stream with this epoch resumes after.
func (d *durableRecord) durableFor(epoch uint64) uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.epoch != epoch {
		return 0
	}
	if d.boot == bootID && bootID != [16]byte{} && d.applied > d.durable {
		return d.applied
	}
	return d.durable
}

func (d *durableRecord) write() error {
	binary.BigEndian.PutUint64(d.buf[0:], d.epoch)
	binary.BigEndian.PutUint64(d.buf[8:], d.durable)
	binary.BigEndian.PutUint64(d.buf[16:], d.applied)
	copy(d.buf[24:40], d.boot[:])
	binary.BigEndian.PutUint32(d.buf[40:], 0)
	binary.BigEndian.PutUint32(d.buf[recordSize-4:], crc32.ChecksumIEEE(d.buf[:recordSize-4]))
	if _, err := d.f.WriteAt(d.buf[:], 0); err != nil {
		return fmt.Errorf("durable state: %w", err)
	}
	return nil
}

// markApplied records, without syncing, that seq of epoch is applied.
func (d *durableRecord) markApplied(epoch, seq uint64) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.epoch != epoch {
		d.epoch, d.durable = epoch, 0
	}
	d.applied, d.boot = seq, bootID
	return d.write()
}

// store records seq of epoch durably.
func (d *durableRecord) store(epoch, seq uint64) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.epoch != epoch {
		d.epoch = epoch
	}
	d.durable = seq
	if d.applied < seq {
		d.applied, d.boot = seq, bootID
	}
	if err := d.write(); err != nil {
		return err
	}
	if err := fdatasync(d.f); err != nil {
		return fmt.Errorf("durable state: %w", err)
	}
	return nil
}

func (d *durableRecord) close() error { return d.f.Close() }
