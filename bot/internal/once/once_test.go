package once

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestFirst(t *testing.T) {
	now := time.Unix(1000, 0)
	k := New(nil, func() time.Time { return now })
	ctx := context.Background()
	if ok, err := k.First(ctx, "a", time.Minute); !ok || err != nil {
		t.Fatalf("first a = %v, %v", ok, err)
	}
	if ok, _ := k.First(ctx, "a", time.Minute); ok {
		t.Error("a second a was first too")
	}
	now = now.Add(2 * time.Minute)
	if ok, _ := k.First(ctx, "a", time.Minute); !ok {
		t.Error("a after its ttl is not first again")
	}
	calls := 0
	shared := New(func(context.Context, string, time.Duration) (bool, error) {
		calls++
		if calls == 2 {
			return false, errors.New("down")
		}
		return calls == 1, nil
	}, nil)
	if ok, err := shared.First(ctx, "b", time.Minute); !ok || err != nil {
		t.Errorf("shared first = %v, %v", ok, err)
	}
	if _, err := shared.First(ctx, "b", time.Minute); err == nil {
		t.Error("a failed claim did not say so")
	}
	if ok, _ := shared.First(ctx, "b", time.Minute); ok || calls != 3 {
		t.Errorf("with a shared claim, the claim decides: %v after %d calls", ok, calls)
	}
}
