package discord

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// SignatureWindow is how far a request's timestamp may be from now, either
// way, before it is refused as a replay.
const SignatureWindow = 5 * time.Minute

// Verify checks Discord's request signature: an Ed25519 signature, hex in
// X-Signature-Ed25519, over X-Signature-Timestamp followed by body. The
// timestamp (Unix seconds) must be within SignatureWindow of now;
// discordgo.VerifyInteraction does not check that.
func Verify(h http.Header, body []byte, key ed25519.PublicKey, now time.Time) error {
	if len(key) != ed25519.PublicKeySize {
		return errors.New("discord: verify: bad public key length")
	}
	sig, ts, err := checkHeaders(h, now)
	if err != nil {
		return err
	}
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	if !ed25519.Verify(key, msg, sig) {
		return errors.New("discord: verify: signature mismatch")
	}
	return nil
}

// checkHeaders does every check that needs no body: both headers present
// once each, a well-formed signature, and a timestamp inside the window.
func checkHeaders(h http.Header, now time.Time) (sig []byte, ts string, err error) {
	sigHex, ts := only(h, "X-Signature-Ed25519"), only(h, "X-Signature-Timestamp")
	if sigHex == "" || ts == "" {
		return nil, "", errors.New("discord: verify: missing or repeated signature headers")
	}
	sig, err = hex.DecodeString(sigHex)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return nil, "", errors.New("discord: verify: malformed signature")
	}
	// Plain decimal seconds only, as Discord writes them: ParseInt would
	// also take a sign, and a leading zero names the same second twice.
	if len(ts) > 12 || ts[0] == '0' || strings.TrimLeft(ts, "0123456789") != "" {
		return nil, "", errors.New("discord: verify: malformed timestamp")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return nil, "", errors.New("discord: verify: malformed timestamp")
	}
	// Compare against bounds rather than subtracting, so an absurd
	// timestamp cannot overflow into the window.
	win := int64(SignatureWindow / time.Second)
	if sec < now.Unix()-win || sec > now.Unix()+win {
		return nil, "", fmt.Errorf("discord: verify: timestamp %d is more than %v from now", sec, SignatureWindow)
	}
	return sig, ts, nil
}

// only returns the header's value when it is given exactly once, and ""
// otherwise: with two, which one counts would be a guess.
func only(h http.Header, key string) string {
	if v := h.Values(key); len(v) == 1 {
		return v[0]
	}
	return ""
}
