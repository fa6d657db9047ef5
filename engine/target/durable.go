package target

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"regexp"
)

// durableRecord is the last sequence of a job's stream (identified by the
// source's epoch) that the target made durable. It is one 20-byte record at
// offset 0, rewritten in place and fdatasync'd after each applied batch: a
// record fits in one sector, and a torn or corrupt record (bad CRC) reads as
// "nothing durable", which only makes the source resend ops the applier
// tolerates seeing twice.
type durableRecord struct {
	f     *os.File
	epoch uint64
	seq   uint64
	buf   [20]byte
}

var jobIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`)

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
		crc32.ChecksumIEEE(d.buf[:16]) == binary.BigEndian.Uint32(d.buf[16:]) {
		d.epoch = binary.BigEndian.Uint64(d.buf[0:])
		d.seq = binary.BigEndian.Uint64(d.buf[8:])
	}
	return d, nil
}

// durableFor returns what is durable of the stream with this epoch.
func (d *durableRecord) durableFor(epoch uint64) uint64 {
	if d.epoch != epoch {
		return 0
	}
	return d.seq
}

// store records seq of epoch durably.
func (d *durableRecord) store(epoch, seq uint64) error {
	d.epoch, d.seq = epoch, seq
	binary.BigEndian.PutUint64(d.buf[0:], epoch)
	binary.BigEndian.PutUint64(d.buf[8:], seq)
	binary.BigEndian.PutUint32(d.buf[16:], crc32.ChecksumIEEE(d.buf[:16]))
	if _, err := d.f.WriteAt(d.buf[:], 0); err != nil {
		return fmt.Errorf("durable state: %w", err)
	}
	if err := fdatasync(d.f); err != nil {
		return fmt.Errorf("durable state: %w", err)
	}
	return nil
}

func (d *durableRecord) close() error { return d.f.Close() }
