package teams

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/targetbot/targetbot/bot"
)

// Adaptive Card invoke response types (Universal Actions).
const (
	invokeMessage = "application/vnd.microsoft.activity.message"
	invokeError   = "application/vnd.microsoft.error"
)

// invokeResponse is the body of the answer to an adaptiveCard/action
// invoke: Teams shows a message's Value under the card, or an error's.
type invokeResponse struct {
	StatusCode int    `json:"statusCode"`
	Type       string `json:"type"`
	Value      any    `json:"value"`
}

// invokeErr is an error invoke response's value.
type invokeErr struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// execute runs an Action.Execute (Universal Actions): its data is what
// an Action.Submit's would be, and it runs the same way, the reply
// following in the thread; the invoke itself is answered with the
// reply's first line, since Teams waits for an answer to every invoke.
func (a *Adapter) execute(ctx context.Context, ws string, fixed bool, act *activity) *invokeResponse {
	var v struct {
		Action struct {
			Type string          `json:"type"`
			Data json.RawMessage `json:"data"`
		} `json:"action"`
	}
	if json.Unmarshal(act.Value, &v) != nil || v.Action.Type != "Action.Execute" {
		return &invokeResponse{StatusCode: http.StatusBadRequest, Type: invokeError,
			Value: invokeErr{Code: "BadRequest", Message: "not an Action.Execute"}}
	}
	sub := *act
	sub.Value = v.Action.Data
	var reply bot.Reply
	ran := false
	if sub.isSubmit() {
		reply, ran = a.message(ctx, ws, fixed, &sub)
	}
	if !ran {
		return &invokeResponse{StatusCode: http.StatusBadRequest, Type: invokeError,
			Value: invokeErr{Code: "BadRequest", Message: "This button is not one of targetbot's."}}
	}
	msg := "Done."
	if reply.Replayed {
		msg = "Already done."
	} else if s := strings.TrimSpace(summaryOf(&renderEnv{names: a.cachedNames(act.tenant(), reply)}, reply)); s != "" {
		msg = s
	}
	return &invokeResponse{StatusCode: http.StatusOK, Type: invokeMessage, Value: msg}
}

// cachedNames are the names of the users a reply refers to that this
// process already knows: an invoke's answer cannot wait for look-ups.
func (a *Adapter) cachedNames(tenant string, r bot.Reply) map[string]string {
	names := map[string]string{}
	for id := range replyUsers(r) {
		if n, ok := a.names.Get(nameKey(tenantWorkspace(tenant), id), a.now()); ok && n != "" {
			names[id] = n
		}
	}
	return names
}

// writeInvokeResponse answers an invoke: HTTP 200 whatever the
// response's own status, as the Bot Framework does for Universal
// Actions.
func writeInvokeResponse(w http.ResponseWriter, res *invokeResponse) {
	b, err := marshal(res)
	if err != nil {
		http.Error(w, "could not encode the invoke response", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}
