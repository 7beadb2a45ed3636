package kafka

import (
	"context"
	"slices"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

func TestMetadataRequestAsksForTheNamedTopicsOrEveryTopic(t *testing.T) {
	c := cluster(t, kfake.SeedTopics(1, "f1-telemetry", "f1-positions"))
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	names := func(topics ...string) []string {
		t.Helper()
		resp, err := MetadataRequest(topics...).RequestWith(context.Background(), cl)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, tp := range resp.Topics {
			out = append(out, *tp.Topic)
		}
		slices.Sort(out)
		return out
	}
	if got := names("f1-positions"); !slices.Equal(got, []string{"f1-positions"}) {
		t.Errorf("metadata for f1-positions lists %v, want just f1-positions", got)
	}
	if got := names(); !slices.Equal(got, []string{"f1-positions", "f1-telemetry"}) {
		t.Errorf("metadata for no topics lists %v, want every topic", got)
	}
}
