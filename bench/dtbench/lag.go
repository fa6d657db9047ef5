package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

type lagResult struct {
	p50, p99, max float64
	n             int
}

// payloadSize is the size of each file the lag writer creates.
const payloadSize = 128

// lagFiles is how many files the lag writer appends to, round robin.
const lagFiles = 100

// lag appends rate small records per second to lagFiles files in src for d
// and measures, per record, the time from its write on the source to the
// moment the target had made it durable: the target's durable-sequence
// record (DataPath/target/*.seq), rewritten after each fsync'd batch, is
// watched in the same inotify queue as the replica, so the first record
// write after a record's bytes are on the target is when it became durable.
func (p *pair) lag(src, dst string, rate int, d time.Duration) (lagResult, error) {
	dir := filepath.Join(src, "lag")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return lagResult{}, err
	}
	for k := range lagFiles {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d", k)), nil, 0o644); err != nil {
			return lagResult{}, err
		}
	}
	if err := p.mirrorEmpty(src, dst); err != nil {
		return lagResult{}, err
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return lagResult{}, err
	}
	defer w.Close()
	if err := w.Add(filepath.Join(dst, "lag")); err != nil {
		return lagResult{}, err
	}
	if err := w.Add(filepath.Join(p.tgtData, "target")); err != nil {
		return lagResult{}, err
	}

	total := int(d.Seconds() * float64(rate))
	written := make([]time.Time, total)
	var mu sync.Mutex
	durable := make([]time.Time, total)
	seen := make([]int64, lagFiles) // bytes of each target file already accounted for
	var pending []int
	done := make(chan struct{})
	go func() {
		defer close(done)
		left := total
		for left > 0 {
			select {
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				if strings.HasSuffix(ev.Name, ".seq") {
					now := time.Now()
					for _, i := range pending {
						durable[i] = now
						left--
					}
					pending = pending[:0]
					continue
				}
				k, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(ev.Name), "f"))
				if err != nil || k >= lagFiles {
					continue
				}
				fi, err := os.Stat(ev.Name)
				if err != nil {
					continue
				}
				// Record j of file k is write i = j*lagFiles + k.
				for ; seen[k]+payloadSize <= fi.Size(); seen[k] += payloadSize {
					if i := int(seen[k]/payloadSize)*lagFiles + k; i < total {
						pending = append(pending, i)
					}
				}
			case <-time.After(30 * time.Second):
				return
			}
		}
	}()
	files := make([]*os.File, lagFiles)
	for k := range files {
		if files[k], err = os.OpenFile(filepath.Join(dir, fmt.Sprintf("f%d", k)), os.O_WRONLY|os.O_APPEND, 0); err != nil {
			return lagResult{}, err
		}
		defer files[k].Close()
	}
	payload := make([]byte, payloadSize)
	interval := time.Second / time.Duration(rate)
	next := time.Now()
	for i := 0; i < total; i++ {
		if wait := time.Until(next); wait > 0 {
			time.Sleep(wait)
		}
		next = next.Add(interval)
		copy(payload, fmt.Sprintf("%d\n", i))
		mu.Lock()
		written[i] = time.Now()
		mu.Unlock()
		if _, err := files[i%lagFiles].Write(payload); err != nil {
			return lagResult{}, err
		}
	}
	<-done
	var lags []float64
	for i := range total {
		if !durable[i].IsZero() {
			lags = append(lags, float64(durable[i].Sub(written[i]).Microseconds())/1000)
		}
	}
	if len(lags) < total {
		return lagResult{}, fmt.Errorf("only %d of %d writes reached the target", len(lags), total)
	}
	sort.Float64s(lags)
	q := func(f float64) float64 { return lags[min(len(lags)-1, int(f*float64(len(lags))))] }
	return lagResult{p50: q(0.50), p99: q(0.99), max: lags[len(lags)-1], n: len(lags)}, nil
}

// mirrorEmpty starts the job on an empty tree and waits for its mirror.
func (p *pair) mirrorEmpty(src, dst string) error {
	if err := p.start(src, dst); err != nil {
		return err
	}
	return p.waitMirror()
}
