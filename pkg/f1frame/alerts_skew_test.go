package f1frame

import (
	"testing"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// TestLiveAlertDedupSurvivesTopicSkew: a Live stream reads telemetry and
// f1-alerts separately, so one can run far ahead (a backlog read in bursts).
// The copy of an alert that arrives much later is still dropped, whichever
// source lags.
func TestLiveAlertDedupSurvivesTopicSkew(t *testing.T) {
	tel := synthRace()
	// storedAlerts' VER overspeed is at t0+5250; the telemetry must run on
	// past two dedup windows after it for the skew to matter.
	if after := tel[len(tel)-1].Ts - (t0 + 5250); after <= 2*f1.DefaultRules().DedupWindowMs {
		t.Fatalf("the telemetry ends %d ms after the stored alert: too soon to skew the sources", after)
	}
	count := func(f func(b *Builder)) (overspeedVER int) {
		b := mustNew(t, Alerts, Options{Live: true})
		f(b)
		fr, ok := b.Flush()
		if !ok {
			t.Fatal("nothing pushed")
		}
		drv, _ := fr.FieldByName("driver")
		kind, _ := fr.FieldByName("kind")
		if drv == nil || kind == nil {
			t.Fatalf("no driver or kind column in %s", fr.Name)
		}
		for i := 0; i < fr.Rows(); i++ {
			if drv.At(i).(string) == "VER" && kind.At(i).(string) == f1.AlertOverspeed {
				overspeedVER++
			}
		}
		return overspeedVER
	}
	inOrder := count(func(b *Builder) { feed(b, tel, alertsAsAny()) })
	telFirst := count(func(b *Builder) {
		for i := range tel {
			b.AddTelemetry(&tel[i])
		}
		for _, a := range storedAlerts() {
			b.AddAlert(a)
		}
	})
	alertsFirst := count(func(b *Builder) {
		for _, a := range storedAlerts() {
			b.AddAlert(a)
		}
		for i := range tel {
			b.AddTelemetry(&tel[i])
		}
	})
	if inOrder == 0 || telFirst != inOrder || alertsFirst != inOrder {
		t.Fatalf("VER overspeed alerts: %d in order, %d telemetry first, %d stored alerts first", inOrder, telFirst, alertsFirst)
	}
}

func alertsAsAny() []any {
	var out []any
	for _, a := range storedAlerts() {
		out = append(out, a)
	}
	return out
}
