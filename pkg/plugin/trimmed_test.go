package plugin

import (
	"context"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// A time range that starts before the oldest record Kafka still holds
// answers from there, with a notice saying older records were deleted.
// (kfake's DeleteRecords stands in for retention here; internal/integration
// proves it on real Kafka after retention deleted segments.)
func TestTimeRangeBeforeTheLogStartSaysRecordsWereDeleted(t *testing.T) {
	c := testCluster(t, map[string]int32{"trim": 1})
	var recs []rec
	for i := int64(1); i <= 6; i++ {
		recs = append(recs, rec{0, "k", i * 1000, []byte(`{"v":1}`)})
	}
	produce(t, c, "trim", recs...)
	adm, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer adm.Close()
	var to kadm.Offsets
	to.Add(kadm.Offset{Topic: "trim", Partition: 0, At: 3})
	if _, err := kadm.NewClient(adm).DeleteRecords(context.Background(), to); err != nil {
		t.Fatal(err)
	}
	d := newTestDS(t, c, dsOpts{})
	q := map[string]any{"queryType": "raw", "topic": "trim", "offset": "timeRange"}
	r := runQuery(t, d, q, 0, 10_000, 0, nil)
	if r.Error != nil {
		t.Fatal(r.Error)
	}
	if n := r.Frames[0].Rows(); n != 3 {
		t.Fatalf("%d rows, want the 3 kept", n)
	}
	note := noticeText(r)
	if !strings.Contains(note, "deleted by retention") || !strings.Contains(note, "1970-01-01T00:00:04Z") {
		t.Fatalf("notice %q", note)
	}
	if r := runQuery(t, d, q, 4500, 10_000, 0, nil); strings.Contains(noticeText(r), "retention") {
		t.Fatalf("a range inside the kept records: %q", noticeText(r))
	}
}
