package notifier

import (
	"strings"
	"testing"
)

// A period called off as a whole is one sentence: its start's cancellation.
// Its end's cancellation ("summer hours continue") would contradict it and
// is left out; on its own (a period extended) it is still told.
func TestCancelledPeriodIsOneSentence(t *testing.T) {
	whole := renderCases[6]
	if whole.name != "period-cancellation" {
		t.Fatalf("renderCases[6] is %q, want period-cancellation", whole.name)
	}
	for _, lang := range []string{"sv", "en"} {
		msg, err := Render(Request{Language: lang, Today: date(whole.today), Subscriber: "anna", Places: places, Items: whole.items}, nil)
		if err != nil {
			t.Fatalf("Render(%s): %v", lang, err)
		}
		for _, contradiction := range []string{"fortsätter", "continue"} {
			if strings.Contains(msg.Body, contradiction) {
				t.Errorf("Render(%s) of a period called off says %q:\n%s", lang, contradiction, msg.Body)
			}
		}
		endOnly := whole.items[1:]
		msg, err = Render(Request{Language: lang, Today: date(whole.today), Subscriber: "anna", Places: places, Items: endOnly}, nil)
		if err != nil {
			t.Fatalf("Render(%s) of the end alone: %v", lang, err)
		}
		if want := map[string]string{"sv": "Sommaröppettider fortsätter", "en": "Summer hours continue"}[lang]; !strings.Contains(msg.Body, want) {
			t.Errorf("Render(%s) of a cancelled period end alone does not say %q:\n%s", lang, want, msg.Body)
		}
	}
}
