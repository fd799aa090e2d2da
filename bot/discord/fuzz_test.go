package discord

import (
	"crypto/ed25519"
	"encoding/hex"
	"net/http"
	"strconv"
	"testing"

	"github.com/targetbot/targetbot/bot"
)

// FuzzInteraction signs arbitrary bodies, so they pass verification, and
// checks decoding and handling never panic and always answer.
func FuzzInteraction(f *testing.F) {
	for _, name := range []string{"ping.json", "command_update.json", "command_dm.json", "autocomplete.json", "component.json", "modal_submit.json"} {
		f.Add(fixture(f, name))
	}
	f.Add([]byte(`{"type":2,"guild_id":"1","data":{"options":[null,{"type":1,"name":"update","options":[null,{"name":"progress","value":{}}]}]}}`))
	f.Add([]byte(`{"type":5,"data":{"custom_id":"form@1:update x","components":[{"type":1,"components":[{"type":4}]}]}}`))
	f.Add([]byte(`{"type":3,"data":{"custom_id":"cmd@:x"},"member":{"permissions":"8"}}`))
	api := newFakeDiscord(f, func(w http.ResponseWriter, r recorded, n int) { w.WriteHeader(http.StatusNoContent) })
	go func() {
		for range api.got { // drain: the fuzzer may send many follow-ups
		}
	}()
	h := completingHandler{
		fakeHandler: &fakeHandler{reply: func(r bot.Request) bot.Reply {
			return bot.Reply{Blocks: []bot.Block{{Text: r.Text}, {Title: r.Text, Text: r.Text, Buttons: []bot.Button{{Command: r.Text}}}}, Notify: []string{r.User}}
		}},
		complete: func(ws, prefix string, limit int) []bot.Choice { return []bot.Choice{{Value: prefix, Label: prefix}} },
	}
	a := newAdapter(f, h, api, nil)
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := post(t, a, body, signed(t, testNow, body))
		if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest && rec.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d for a signed body", rec.Code)
		}
	})
}

// FuzzVerify checks Verify never panics and accepts only what a correct
// signature within the window covers.
func FuzzVerify(f *testing.F) {
	body := []byte(`{"type":1}`)
	h := signed(f, testNow, body)
	f.Add(h.Get("X-Signature-Ed25519"), h.Get("X-Signature-Timestamp"), body)
	f.Add("", "", []byte{})
	f.Add("zz", "-1", []byte("x"))
	key, _ := hex.DecodeString(testPublic)
	f.Fuzz(func(t *testing.T, sig, ts string, body []byte) {
		hdr := http.Header{}
		hdr.Set("X-Signature-Ed25519", sig)
		hdr.Set("X-Signature-Timestamp", ts)
		if Verify(hdr, body, key, testNow) != nil {
			return
		}
		raw, err := hex.DecodeString(hdr.Get("X-Signature-Ed25519"))
		if err != nil || !ed25519.Verify(key, append([]byte(hdr.Get("X-Signature-Timestamp")), body...), raw) {
			t.Fatalf("accepted a bad signature %q over %q", sig, body)
		}
		sec, err := strconv.ParseInt(hdr.Get("X-Signature-Timestamp"), 10, 64)
		if err != nil || sec < testNow.Unix()-300 || sec > testNow.Unix()+300 {
			t.Fatalf("accepted timestamp %q", ts)
		}
	})
}
