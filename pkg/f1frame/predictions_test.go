package f1frame

import (
	"testing"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

func pred(driver string, lap int, ts int64, model string, h int, p float64) *f1.Prediction {
	return &f1.Prediction{Ts: ts, RaceID: "monza-1", Driver: driver, Lap: lap, Model: model, HorizonLaps: h, Probability: p, Reasons: driver + " why"}
}

func TestPredictionsLiveSeriesAndLatest(t *testing.T) {
	// Live series of the tyre cliff: one labelled point per driver per push.
	b, err := New(Predictions, Options{Live: true, Model: f1.ModelTyreCliff})
	if err != nil {
		t.Fatal(err)
	}
	b.AddPrediction(pred("VER", 1, 1000, f1.ModelPitWindow, 3, 0.2)) // another model: table only
	b.AddPrediction(pred("VER", 1, 1000, f1.ModelTyreCliff, 0, 0.1))
	b.AddPrediction(pred("LEC", 1, 1500, f1.ModelTyreCliff, 0, 0.3))
	b.AddPrediction(pred("LEC", 1, 1600, f1.ModelTyreCliff, 0, 1.5)) // not a probability
	if st := b.Stats(); st.Invalid != 1 || st.Records != 4 {
		t.Fatalf("stats %+v", st)
	}
	first := b.Frames()
	if len(first) != 1 || first[0].Name != "tyre_cliff" || first[0].Rows() != 2 || first[0].Fields[0].Name != "labels" {
		t.Fatalf("first frame %v", first)
	}
	b.AddPrediction(pred("VER", 2, 90000, f1.ModelTyreCliff, 0, 0.4))
	f, ok := b.Flush()
	if !ok || f.Rows() != 1 || f.Fields[0].At(0) != "driver=VER" || f.Fields[2].At(0) != 0.4 {
		t.Fatalf("flush %v %v", ok, f)
	}

	// Live latest: the whole table when something came in, as a snapshot.
	b, err = New(Predictions, Options{Live: true, View: ViewLatest, Drivers: []string{"VER"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := b.Flush(); ok {
		t.Fatal("a flush with nothing new")
	}
	b.AddPrediction(pred("VER", 5, 5000, f1.ModelPitWindow, 5, 0.7))
	b.AddPrediction(pred("LEC", 5, 5000, f1.ModelPitWindow, 5, 0.7)) // filtered
	b.AddPrediction(pred("VER", 4, 4000, f1.ModelPitWindow, 5, 0.1)) // older than the row's: ignored
	b.AddPrediction(pred("VER", 4, 4000, f1.ModelTyreCliff, 0, 0.9)) // a lagging partition: still the latest cliff
	f, ok = b.Flush()
	if !ok || f.Rows() != 1 || f.Meta == nil || f.Meta.Custom.(map[string]any)["snapshot"] != true {
		t.Fatalf("latest %v %v", ok, f)
	}
	_, i := f.FieldByName("pit_window_5")
	_, c := f.FieldByName("tyre_cliff")
	_, l := f.FieldByName("lap")
	if v, cl := f.Fields[i].At(0).(*float64), f.Fields[c].At(0).(*float64); v == nil || *v != 0.7 || cl == nil || *cl != 0.9 || f.Fields[l].At(0) != int64(5) {
		t.Fatalf("row: pit_window_5 %v, tyre_cliff %v, lap %v", f.Fields[i].At(0), f.Fields[c].At(0), f.Fields[l].At(0))
	}
	if b.Stats().Filtered != 1 {
		t.Fatalf("stats %+v", b.Stats())
	}
	if _, ok := b.Flush(); ok {
		t.Fatal("the same table twice")
	}
}
