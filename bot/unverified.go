package bot

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"
)

// Unverified reads the bodies of webhook requests before any handler
// runs, because a platform's signature covers the body: until the whole
// body is in, a request is unverified, and anyone can send one. It keeps
// such reads from taking the slots of verified work:
//
//   - A body that arrives at once (as Slack's, Discord's and Teams'
//     servers send theirs, in the packets after the headers) is read
//     within FastWindow and needs nothing more.
//   - A body still arriving after FastWindow must take one of Slots
//     slots of its route's own budget, or is answered 503 at once, and
//     must then arrive at MinRate bytes a second or faster (after a
//     SlowGrace allowance): a slow sender is cut off within seconds,
//     long before the server's ReadTimeout.
//
// So forged slow senders, however many, hold at most Slots reads per
// route, each for a bounded time, and never a slot of the in-flight
// limit that the handlers after it share. The handler then sees the
// whole body in memory; its own cap (http.MaxBytesReader) still holds.
type Unverified struct {
	// Slots is each route's budget of slow reads; default 64.
	Slots int
	// FastWindow is how long a body may take before it counts as slow;
	// default 250ms.
	FastWindow time.Duration
	// SlowGrace and MinRate bound a slow read: it must be whole by
	// SlowGrace plus its length at MinRate; defaults 1s and 32 KiB/s.
	SlowGrace time.Duration
	MinRate   int
	// MaxBody is the most read ahead of the handler; a longer body is
	// passed on unread for the handler's cap to refuse. Default 256 KiB,
	// the largest body a platform route takes.
	MaxBody int64
	// Route names a request's route, the key of its budget ("" skips
	// the request: it has no webhook route, so no body is read).
	Route func(*http.Request) string
	// Refused, when set, is called for each request turned away.
	Refused func(r *http.Request, status int)

	mu     sync.Mutex
	routes map[string]chan struct{}
	// timers and dones (chan error) are the fast windows' timers and the
	// reads' channels, reused: every request's body is read here.
	timers TimerPool
	dones  sync.Pool
}

// Wrap returns next behind u.
func (u *Unverified) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 || u.Route == nil {
			next.ServeHTTP(w, r)
			return
		}
		route := u.Route(r)
		if route == "" || r.ContentLength > u.maxBody() {
			next.ServeHTTP(w, r)
			return
		}
		body, status := u.read(w, r, route)
		if status != 0 {
			if u.Refused != nil {
				u.Refused(r, status)
			}
			if status == http.StatusServiceUnavailable {
				w.Header().Set("Retry-After", "1")
			}
			w.Header().Set("Connection", "close")
			http.Error(w, http.StatusText(status), status)
			return
		}
		r.Body = body
		next.ServeHTTP(w, r)
	})
}

// read reads r's body within the fast window or, with a slot of the
// route's budget, within the rate floor. It returns the body to hand on,
// or the status to refuse the request with.
//
// The read runs in its own goroutine and the fast window is a timer, not
// a read deadline: a deadline that passes cancels the request's context,
// and a genuine body merely late in being read must keep it.
func (u *Unverified) read(w http.ResponseWriter, r *http.Request, route string) (io.ReadCloser, int) {
	start := time.Now()
	var buf bytes.Buffer
	done, _ := u.dones.Get().(chan error)
	if done == nil {
		done = make(chan error, 1)
	}
	// Every way out of read below has received from done, so it is
	// empty again.
	defer u.dones.Put(done)
	go func() {
		_, err := buf.ReadFrom(io.LimitReader(r.Body, u.maxBody()+1))
		done <- err
	}()
	fast := u.timers.Get(u.fastWindow())
	defer u.timers.Put(fast)
	select {
	case err := <-done:
		return u.finish(&buf, r, err)
	case <-fast.C:
	}
	rc := http.NewResponseController(w)
	slots := u.budget(route)
	select {
	case slots <- struct{}{}:
		defer func() { <-slots }()
	default:
		// Cut the read now; the connection closes after the answer.
		_ = rc.SetReadDeadline(time.Unix(1, 0))
		<-done
		return nil, http.StatusServiceUnavailable
	}
	size := r.ContentLength
	if size < 0 {
		size = u.maxBody()
	}
	deadline := start.Add(u.slowGrace() + time.Duration(float64(size)/float64(u.minRate())*float64(time.Second)))
	if err := rc.SetReadDeadline(deadline); err != nil {
		// Not a real connection (a test recorder): wait for it.
		return u.finish(&buf, r, <-done)
	}
	err := <-done
	if err != nil && isTimeout(err) {
		return nil, http.StatusRequestTimeout
	}
	// The connection's background read, once the body is in, must not
	// time out under the handler and cancel its context.
	_ = rc.SetReadDeadline(time.Time{})
	return u.finish(&buf, r, err)
}

// finish is the body read, or 400 when reading it failed.
func (u *Unverified) finish(buf *bytes.Buffer, r *http.Request, err error) (io.ReadCloser, int) {
	if err != nil {
		return nil, http.StatusBadRequest
	}
	return u.hand(buf, r), 0
}

// hand is the body read, followed by what is left unread of a body
// longer than MaxBody, for the handler's cap to refuse.
func (u *Unverified) hand(buf *bytes.Buffer, r *http.Request) io.ReadCloser {
	if int64(buf.Len()) <= u.maxBody() {
		return io.NopCloser(buf)
	}
	return struct {
		io.Reader
		io.Closer
	}{io.MultiReader(buf, r.Body), r.Body}
}

// budget is route's channel of slots, made on first use: routes are
// the few patterns Route returns.
func (u *Unverified) budget(route string) chan struct{} {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.routes == nil {
		u.routes = map[string]chan struct{}{}
	}
	c, ok := u.routes[route]
	if !ok {
		n := u.Slots
		if n <= 0 {
			n = 64
		}
		c = make(chan struct{}, n)
		u.routes[route] = c
	}
	return c
}

func (u *Unverified) fastWindow() time.Duration {
	if u.FastWindow > 0 {
		return u.FastWindow
	}
	return 250 * time.Millisecond
}

func (u *Unverified) slowGrace() time.Duration {
	if u.SlowGrace > 0 {
		return u.SlowGrace
	}
	return time.Second
}

func (u *Unverified) minRate() int {
	if u.MinRate > 0 {
		return u.MinRate
	}
	return 32 << 10
}

func (u *Unverified) maxBody() int64 {
	if u.MaxBody > 0 {
		return u.MaxBody
	}
	return 256 << 10
}

// isTimeout reports whether err is a read deadline passing.
func isTimeout(err error) bool {
	var ne interface{ Timeout() bool }
	return errors.As(err, &ne) && ne.Timeout()
}
