package logfile

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
)

// RouterOptions configure a Router.
type RouterOptions struct {
	Settings Settings // LogDir, LogFile and the engine log's limits
	// JobID maps a job name to the job's stable ID, which names its log
	// (job-<GUID>.log). nil, or false, keeps a job's events in the
	// server's logs only.
	JobID func(job string) (string, bool)
	// OnError hears of a failed write once, when writes start failing
	// (not again until one succeeds); nil ignores failures.
	OnError func(error)
}

// Router writes catalog events to the logs chapter 2 lists: the engine's
// events to the engine log, the Management Service's to master.log, and
// every event about a job to that job's log as well.
type Router struct {
	opts   RouterOptions
	dir    string
	engine *Log
	master *Log

	mu   sync.Mutex
	jobs map[string]*Log // by job ID
}

// OpenRouter opens the engine log and master.log in LogDir.
func OpenRouter(o RouterOptions) (*Router, error) {
	eng, err := OpenEngineLog(o.Settings)
	if err != nil {
		return nil, err
	}
	dir := o.Settings.String(catalog.SettingLogDir)
	m, err := OpenRolling(filepath.Join(dir, MasterLogName), MasterLogMaxSize, MasterLogKeep)
	if err != nil {
		eng.Close()
		return nil, err
	}
	return &Router{opts: o, dir: dir, engine: eng, master: NewLog(m), jobs: map[string]*Log{}}, nil
}

// Engine is the engine log, for Handler.
func (r *Router) Engine() *Log { return r.engine }

// classOf sorts an event for LogMessageLevel and the type column.
func classOf(l catalog.Level) (Class, int) {
	if l == catalog.LevelError || l == catalog.LevelWarning {
		return ClassAlert, TypeAlert
	}
	return ClassRelease, TypeInfo
}

// Event writes one event to its logs.
func (r *Router) Event(ev events.Event) error {
	c, typ := classOf(ev.Level)
	main := r.engine
	if ev.Source == events.SourceManagement {
		main = r.master
	}
	err := main.Log(ev.Time, c, typ, ev.ID, ev.Message)
	if ev.Job != "" && r.opts.JobID != nil {
		if id, ok := r.opts.JobID(ev.Job); ok {
			j, jerr := r.jobLog(id)
			if jerr == nil {
				jerr = j.Log(ev.Time, c, typ, ev.ID, ev.Message)
			}
			err = errors.Join(err, jerr)
		}
	}
	return err
}

func (r *Router) jobLog(id string) (*Log, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if l, ok := r.jobs[id]; ok {
		return l, nil
	}
	if filepath.Base(id) != id || id == "." || id == ".." {
		return nil, fmt.Errorf("job ID %q cannot name a file", id)
	}
	f, err := OpenRolling(filepath.Join(r.dir, JobLogName(id)), JobLogMaxSize, JobLogKeep)
	if err != nil {
		return nil, err
	}
	l := NewLog(f)
	r.jobs[id] = l
	return l, nil
}

// Serve writes the subscription's events until ctx ends, then closes the
// subscription and every log. Write errors do not stop it: the next event
// may well succeed (a disk freed up), and the engine must not depend on
// its logs. Events the hub dropped because this subscriber fell behind are
// counted in the engine log, so a gap never goes unnoticed.
func (r *Router) Serve(ctx context.Context, sub *events.Subscription) error {
	defer r.Close()
	defer sub.Close()
	var dropped uint64
	failing := false
	for {
		select {
		case <-ctx.Done():
			r.drain(sub)
			return nil
		case ev := <-sub.C():
			if n := sub.Dropped(); n > dropped {
				_ = r.engine.Log(ev.Time, ClassAlert, TypeAlert, 0,
					fmt.Sprintf("%d events were not logged: the log writer fell behind", n-dropped))
				dropped = n
			}
			err := r.Event(ev)
			if err != nil && !failing && r.opts.OnError != nil {
				r.opts.OnError(err)
			}
			failing = err != nil
		}
	}
}

// drain writes the events already delivered when Serve is told to stop:
// the server's last events (service stopped) are raised as it shuts down.
func (r *Router) drain(sub *events.Subscription) {
	for {
		select {
		case ev := <-sub.C():
			_ = r.Event(ev)
		default:
			return
		}
	}
}

// Close closes every log.
func (r *Router) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	err := errors.Join(r.engine.Close(), r.master.Close())
	for id, l := range r.jobs {
		err = errors.Join(err, l.Close())
		delete(r.jobs, id)
	}
	return err
}
