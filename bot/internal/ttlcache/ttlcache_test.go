package ttlcache

import (
	"testing"
	"time"
)

func TestCache(t *testing.T) {
	now := time.Unix(1000, 0)
	c := New[int](2)
	c.Put("a", 1, now.Add(time.Minute))
	if v, ok := c.Get("a", now); !ok || v != 1 {
		t.Errorf("Get(a) = %d, %v", v, ok)
	}
	if _, ok := c.Get("a", now.Add(time.Minute)); ok {
		t.Error("an expired entry is still returned")
	}
	if !c.Add("b", 2, now, now.Add(time.Hour)) || c.Add("b", 3, now, now.Add(time.Hour)) {
		t.Error("Add must store a new key once and refuse a live one")
	}
	// Full: the entry closest to expiry ("a") makes room.
	c.Put("c", 3, now.Add(2*time.Hour))
	if _, ok := c.Get("a", now); ok {
		t.Error("a full cache kept the entry closest to expiry")
	}
	if v, ok := c.Get("b", now); !ok || v != 2 {
		t.Errorf("Get(b) = %d, %v after eviction", v, ok)
	}
}
