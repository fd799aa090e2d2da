package boltstore_test

import (
	"path/filepath"
	"testing"

	"github.com/targetbot/targetbot/store/storetest"
)

func BenchmarkAppendUpdate(b *testing.B) {
	s := open(b, filepath.Join(b.TempDir(), "bench.db"))
	defer s.Close()
	storetest.BenchmarkAppendUpdate(b, s)
}

func BenchmarkTarget(b *testing.B) {
	s := open(b, filepath.Join(b.TempDir(), "bench.db"))
	defer s.Close()
	storetest.BenchmarkTarget(b, s)
}

func BenchmarkTargets(b *testing.B) {
	s := open(b, filepath.Join(b.TempDir(), "bench.db"))
	defer s.Close()
	storetest.BenchmarkTargets(b, s)
}

func BenchmarkChangeTarget(b *testing.B) {
	s := open(b, filepath.Join(b.TempDir(), "bench.db"))
	defer s.Close()
	storetest.BenchmarkChangeTarget(b, s, nil)
}

func BenchmarkAddEvidence(b *testing.B) {
	s := open(b, filepath.Join(b.TempDir(), "bench.db"))
	defer s.Close()
	storetest.BenchmarkAddEvidence(b, s)
}
