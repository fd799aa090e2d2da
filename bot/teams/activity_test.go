package teams

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands"
)

// Recorded activity shapes, as Teams posts them, read as the adapter
// reads them.
func TestRecordedActivities(t *testing.T) {
	sam := func(who account) string {
		if who.ID != "29:1Sam0Jo1nes2Xb3Yc4Zd5Ae6Bf7Cg8Dh9Ei0Fj1Gk2Hl" {
			t.Errorf("mention of %+v", who)
		}
		return "<@sam-aad>"
	}
	tests := []struct {
		file, text, channel, tenant string
		submit, ok                  bool
	}{
		{"personal_message.json", "update eds/1.1 40% on-track Held two listening events",
			"a:1Xq9Zr3Yt5Wv7Us9Qo1Mk3Ih5Gf7Ed9Cb1Az3Yx5Wv7Ut9Sr1Qp3On5Ml7Kj9Ih1Gf3Ed5Cb7Az9", "72f988bf-86f1-41af-91ab-2d7cd011db47", false, true},
		{"channel_mention.json", "assign eds/1.1 <@sam-aad>",
			"19:5d7c1f0e3b2a4c6d8e9f0a1b2c3d4e5f@thread.tacv2", "72f988bf-86f1-41af-91ab-2d7cd011db47", false, true},
		{"card_submit.json", "update eds/1.1 form 1 note=50% of staff trained\nthe rest by March progress=60 status=at-risk",
			"a:1Xq9Zr3Yt5Wv7Us9Qo1Mk3Ih5Gf7Ed9Cb1Az3Yx5Wv7Ut9Sr1Qp3On5Ml7Kj9Ih1Gf3Ed5Cb7Az9", "72f988bf-86f1-41af-91ab-2d7cd011db47", true, true},
		{"conversation_update.json", "", "19:5d7c1f0e3b2a4c6d8e9f0a1b2c3d4e5f@thread.tacv2", "72f988bf-86f1-41af-91ab-2d7cd011db47", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			act, err := parseActivity(body)
			if err != nil {
				t.Fatal(err)
			}
			if act.channel() != tt.channel || act.tenant() != tt.tenant || act.ServiceURL != "https://smba.trafficmanager.net/uk/" {
				t.Errorf("channel %q tenant %q service %q", act.channel(), act.tenant(), act.ServiceURL)
			}
			if act.isSubmit() != tt.submit {
				t.Fatalf("isSubmit = %v", act.isSubmit())
			}
			var text string
			var ok bool
			if tt.submit {
				var cmd, form string
				var values map[string]any
				cmd, form, values, ok = act.submitted()
				f, _ := commands.Language{}.Form(cmd)
				text = cmd + " " + describe(bot.Request{Verb: "form " + form, Args: formAnswers(f, form, values)})
			} else {
				text, ok = act.commandText(sam)
			}
			if ok != tt.ok || text != tt.text {
				t.Errorf("command %q %v, want %q %v", text, ok, tt.text, tt.ok)
			}
		})
	}
}
