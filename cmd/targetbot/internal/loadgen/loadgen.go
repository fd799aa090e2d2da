// Package loadgen sends signed Slack slash commands over keep-alive
// HTTP/1.1 connections and measures how long each answer takes. It is
// the load generator of the end-to-end benchmarks, which run it in a
// process of its own so that its CPU is not counted as the server's.
//
// It writes raw requests and parses answers by hand: net/http's client
// costs several times the CPU, and on a shared two-core machine every
// cycle the generator burns is one the server under test does not get.
package loadgen

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"math/rand/v2"
	"net"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Config says what to send, and how hard.
type Config struct {
	Addr   string // host:port of the server
	Path   string // default /slack/commands
	Secret string // the Slack signing secret
	Team   string // team_id of every command
	User   string // user_id of every command
	// Conns is how many connections send at once; each waits for its
	// answer before it sends again.
	Conns int
	// Total is how many commands to send in all.
	Total int
	// Rate, when above 0, paces the commands to Rate per second in all
	// (open loop): each is due at a fixed time, and its latency is
	// counted from then, so a slow answer that delays the next command
	// counts against the next command too.
	Rate float64
}

// Result is what one run measured.
type Result struct {
	Sent    int           // commands answered 200
	Errors  int           // commands not answered 200
	Elapsed time.Duration // from the first send to the last answer
	P50     time.Duration
	P99     time.Duration
	Max     time.Duration
	// FirstError describes the first failure, for the benchmark to show.
	FirstError string
	// Sample is the body of one answer, for the benchmark to check.
	Sample string
}

// PerSecond is the throughput.
func (r Result) PerSecond() float64 { return float64(r.Sent) / r.Elapsed.Seconds() }

// Run sends cfg.Total commands and measures them.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if cfg.Path == "" {
		cfg.Path = "/slack/commands"
	}
	if cfg.Conns <= 0 || cfg.Total <= 0 {
		return Result{}, errors.New("loadgen: Conns and Total must be positive")
	}
	// Every run's commands differ from every other run's, even within
	// the same second: a server that refuses replays must see none.
	run := rand.Uint64()
	conns := make([]*worker, cfg.Conns)
	for i := range conns {
		w, err := dial(cfg, i, run)
		if err != nil {
			return Result{}, err
		}
		defer w.conn.Close()
		conns[i] = w
	}
	var next sync.Mutex
	issued := 0
	take := func() (int, bool) {
		next.Lock()
		defer next.Unlock()
		if issued == cfg.Total {
			return 0, false
		}
		issued++
		return issued - 1, true
	}
	start := time.Now()
	var wg sync.WaitGroup
	for _, w := range conns {
		wg.Go(func() {
			for ctx.Err() == nil {
				n, ok := take()
				if !ok {
					return
				}
				due := time.Now()
				if cfg.Rate > 0 {
					due = start.Add(time.Duration(float64(n) / cfg.Rate * float64(time.Second)))
					if d := time.Until(due); d > 0 {
						time.Sleep(d)
					}
				}
				if err := w.send(n); err != nil {
					w.fail(err)
					if w.broken {
						return
					}
					continue
				}
				w.lat = append(w.lat, time.Since(due))
			}
		})
	}
	wg.Wait()
	res := Result{Elapsed: time.Since(start)}
	var lat []time.Duration
	for _, w := range conns {
		lat = append(lat, w.lat...)
		res.Errors += w.errors
		if res.FirstError == "" {
			res.FirstError = w.firstErr
		}
		if res.Sample == "" {
			res.Sample = w.sample
		}
	}
	res.Sent = len(lat)
	if len(lat) > 0 {
		slices.Sort(lat)
		pct := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))] }
		res.P50, res.P99, res.Max = pct(0.50), pct(0.99), lat[len(lat)-1]
	}
	return res, ctx.Err()
}

// worker is one connection and the buffers it reuses, so that sending a
// command allocates nothing.
type worker struct {
	cfg  Config
	id   int
	run  uint64
	conn net.Conn
	r    *bufio.Reader
	mac  hash.Hash
	body []byte
	req  []byte
	sum  []byte
	rng  *rand.Rand

	lat      []time.Duration
	errors   int
	firstErr string
	sample   string
	broken   bool
}

func dial(cfg Config, id int, run uint64) (*worker, error) {
	c, err := net.Dial("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("loadgen: %w", err)
	}
	return &worker{
		cfg: cfg, id: id, run: run, conn: c, r: bufio.NewReaderSize(c, 16<<10),
		mac: hmac.New(sha256.New, []byte(cfg.Secret)),
		rng: rand.New(rand.NewPCG(uint64(id), run)),
	}, nil
}

func (w *worker) fail(err error) {
	w.errors++
	if w.firstErr == "" {
		w.firstErr = err.Error()
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		w.broken = true
	}
}

// send sends command n, signed now, and reads its answer.
func (w *worker) send(n int) error {
	w.buildBody(n)
	ts := time.Now().Unix()
	w.mac.Reset()
	w.sum = append(strconv.AppendInt(append(w.sum[:0], "v0:"...), ts, 10), ':')
	w.mac.Write(w.sum)
	w.mac.Write(w.body)
	w.sum = w.mac.Sum(w.sum[:0])

	q := append(w.req[:0], "POST "...)
	q = append(q, w.cfg.Path...)
	q = append(q, " HTTP/1.1\r\nHost: bench\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "...)
	q = strconv.AppendInt(q, int64(len(w.body)), 10)
	q = append(q, "\r\nX-Slack-Request-Timestamp: "...)
	q = strconv.AppendInt(q, ts, 10)
	q = append(q, "\r\nX-Slack-Signature: v0="...)
	q = hex.AppendEncode(q, w.sum)
	q = append(q, "\r\n\r\n"...)
	q = append(q, w.body...)
	w.req = q
	if _, err := w.conn.Write(q); err != nil {
		return err
	}
	status, body, err := readResponse(w.r, w.sample == "")
	if err != nil {
		return err
	}
	if w.sample == "" {
		w.sample = body
	}
	if status != 200 {
		return fmt.Errorf("status %d: %s", status, body)
	}
	return nil
}

// buildBody writes the form Slack sends for
// `/target update eds/1.K P% on-track note`. Its trigger_id is unique to
// the command, as Slack's are, so no two bodies (and signatures) repeat.
func (w *worker) buildBody(n int) {
	b := append(w.body[:0], "token=x&team_id="...)
	b = append(b, w.cfg.Team...)
	b = append(b, "&team_domain=nhs&channel_id=C0LAN2Q65&channel_name=eds-team&user_id="...)
	b = append(b, w.cfg.User...)
	b = append(b, "&user_name=amy&command=%2Ftarget&text=update+eds%2F1."...)
	b = strconv.AppendInt(b, int64(w.rng.IntN(5)+1), 10)
	b = append(b, '+')
	b = strconv.AppendInt(b, int64(w.rng.IntN(101)), 10)
	b = append(b, "%25+on-track+note&response_url=http%3A%2F%2F127.0.0.1%3A1%2Funused&trigger_id="...)
	b = strconv.AppendUint(b, w.run, 36)
	b = append(b, '.')
	b = strconv.AppendInt(b, int64(w.id), 10)
	b = append(b, '.')
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, ".bench"...)
	w.body = b
}
