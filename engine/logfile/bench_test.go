package logfile

import (
	"log/slog"
	"testing"
	"time"
)

func BenchmarkEngineLog(b *testing.B) {
	l, err := OpenEngineLog(newSettings(b.TempDir()))
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		if err := l.Log(now, ClassRelease, TypeInfo, 4016, "Connected to beta IP address 10.0.0.2:6320 for job1 (connection 1)"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHandler(b *testing.B) {
	l, err := OpenEngineLog(newSettings(b.TempDir()))
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	log := slog.New(NewHandler(l))
	b.ReportAllocs()
	for b.Loop() {
		log.Warn("connect failed", "connection", 1, "target", "10.0.0.2:6320", "err", "connection refused")
	}
}
