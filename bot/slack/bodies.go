package slack

// Body caps, per route. A request's body is read, before its signature
// can be checked, only up to its route's cap, so these bound what an
// unauthenticated client can make us buffer. Each is what Slack can
// genuinely send on that route, with room to spare; Slack documents no
// request size of its own, so they are derived from what it echoes back.
const (
	// maxCommandBody: a slash command is a form of a dozen short fields
	// and the text typed after /target. Text long enough to pass this
	// is refused by the command layer in any case (a note is at most
	// 1,000 characters).
	maxCommandBody = 64 << 10
	// maxInteractionBody: a block_actions payload carries the whole
	// message, or Home tab view, that the button is on, form-encoded.
	// One message holds up to maxMessageChars characters of text in 50
	// blocks; encoded, each character can take nine bytes ("▓" is
	// %E2%96%93), so a button on our longest message arrives as up to
	// about 90 KB (TestBodyCapsHoldWhatSlackEchoes).
	maxInteractionBody = 256 << 10
	// maxEventBody: the only event subscribed to, app_home_opened,
	// carries the Home tab view we published, as JSON: up to
	// maxMessageChars characters in 100 blocks, six bytes each when
	// escaped as \uXXXX.
	maxEventBody = 256 << 10
)
