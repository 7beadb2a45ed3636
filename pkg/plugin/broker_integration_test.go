//go:build integration

package plugin

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/pitwall-f1/pitwall/internal/testkafka"
)

func TestMain(m *testing.M) { testkafka.Main(m) }

// realCluster is the package's real Kafka seen as a test broker.
type realCluster struct{ c *testkafka.Cluster }

func (r realCluster) ListenAddrs() []string { return r.c.Addrs("") }

// brokersOf counts the brokers a test asked for: a test that wants two
// (say one for JSON, one for Avro) gets two clusters.
var brokersOf = map[testing.TB]int{}

// newRealBroker gives a test what testCluster gives it on kfake: a broker
// with its topics and nothing else. The package's clusters are shared, so
// every topic an earlier test left (or auto-created) is deleted first.
// Retention is off, as in kfake, since the tests write timestamps of 2024.
func newRealBroker(t testing.TB, topics map[string]int32) broker {
	t.Helper()
	n := brokersOf[t]
	brokersOf[t] = n + 1
	if n > 1 {
		t.Fatalf("a test asked for %d brokers; the real-Kafka run has two", n+1)
	}
	c := testkafka.Shared(t, []string{"plugin", "plugin-2"}[n], testkafka.Options{Brokers: []int{3, 1}[n]})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	old, err := c.Topics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteTopics(ctx, old...); err != nil {
		t.Fatal(err)
	}
	for name, parts := range topics {
		for {
			err := c.CreateTopic(ctx, name, parts, 0, map[string]string{"retention.ms": "-1"})
			if err == nil {
				break
			}
			if !errors.Is(err, kerr.TopicAlreadyExists) || ctx.Err() != nil {
				t.Fatalf("creating %s: %v", name, err)
			}
			time.Sleep(100 * time.Millisecond) // the deletion is still going on
		}
	}
	return realCluster{c}
}

// The end-to-end tests of QueryData, RunStream, the F1 query types, health
// and race control, the same functions as the fast suite runs on kfake,
// here on a real 3-broker Kafka: any difference fails one of them.
func TestIntegrationPluginOnRealKafka(t *testing.T) {
	realBroker = newRealBroker
	defer func() { realBroker = nil }()
	for _, tc := range []struct {
		name string
		fn   func(*testing.T)
	}{
		{"GoldenRawJSON", TestGoldenRawJSON},
		{"GoldenRawNestedJSON", TestGoldenRawNestedJSON},
		{"GoldenRawAvro", TestGoldenRawAvro},
		{"MixedFormatsInAutoDecodeEveryRecord", TestMixedFormatsInAutoDecodeEveryRecord},
		{"KeysAndHeadersAreColumns", TestKeysAndHeadersAreColumns},
		{"AbortedTransactionRecordsNeverShow", TestAbortedTransactionRecordsNeverShow},
		{"LineProtocolAndTextTopics", TestLineProtocolAndTextTopics},
		{"LiveStreamOfMixedKeyedTransactionalTopic", TestLiveStreamOfMixedKeyedTransactionalTopic},
		{"GoldenTelemetry", TestGoldenTelemetry},
		{"TimeRangeBoundsAreExact", TestTimeRangeBoundsAreExact},
		{"OffsetModes", TestOffsetModes},
		{"DecimationKeepsExtremes", TestDecimationKeepsExtremes},
		{"BadRecordsAreCountedAndGoodOnesKept", TestBadRecordsAreCountedAndGoodOnesKept},
		{"StreamFlagAddsAChannelButNotForAlerting", TestStreamFlagAddsAChannelButNotForAlerting},
		{"QueryErrorsArePerQuery", TestQueryErrorsArePerQuery},
		{"RunStreamBatchesSendsSchemaThenDataAndSchemaChanges", TestRunStreamBatchesSendsSchemaThenDataAndSchemaChanges},
		{"RunStreamStopsCleanlyAndLeaksNoGoroutines", TestRunStreamStopsCleanlyAndLeaksNoGoroutines},
		{"StreamBadRecordsBecomeNoticesAndGoodOnesFlow", TestStreamBadRecordsBecomeNoticesAndGoodOnesFlow},
		{"RunStreamResumesFromSavedOffsets", TestRunStreamResumesFromSavedOffsets},
		{"TwoStreamsOnOneTopicDoNotInterfere", TestTwoStreamsOnOneTopicDoNotInterfere},
		{"SharedConsumerFeedsManyStreamsOneDecode", TestSharedConsumerFeedsManyStreamsOneDecode},
		{"SharedConsumerJoinsStreamsFromAnyOffset", TestSharedConsumerJoinsStreamsFromAnyOffset},
		{"SharedConsumerSlowStreamLeavesWithoutLoss", TestSharedConsumerSlowStreamLeavesWithoutLoss},
		{"SharedConsumerStreamsEndIndependently", TestSharedConsumerStreamsEndIndependently},
		{"SharedConsumersCanBeTurnedOff", TestSharedConsumersCanBeTurnedOff},
		{"SharedConsumerBacklogIsReadOnItsOwn", TestSharedConsumerBacklogIsReadOnItsOwn},
		{"TelemetryStreamUsesTheLabelsLayout", TestTelemetryStreamUsesTheLabelsLayout},
		{"TelemetryLineHoldsWhenBucketsWiden", TestTelemetryLineHoldsWhenBucketsWiden},
		{"SlowSenderGetsBoundedFramesAndEverything", TestSlowSenderGetsBoundedFramesAndEverything},
		{"SubscribeChecksPathAndOrgAndPublishIsRefused", TestSubscribeChecksPathAndOrgAndPublishIsRefused},
		{"F1AnnotationQueriesAreNeverStreamed", TestF1AnnotationQueriesAreNeverStreamed},
		{"F1FromAlertGetsSeriesWithoutChannel", TestF1FromAlertGetsSeriesWithoutChannel},
		{"F1StreamQueryPointsAtItsChannel", TestF1StreamQueryPointsAtItsChannel},
		{"F1AvroGivesTheSameFrames", TestF1AvroGivesTheSameFrames},
		{"F1ProtobufGivesTheSameFrames", TestF1ProtobufGivesTheSameFrames},
		{"F1ThresholdsChangeDetection", TestF1ThresholdsChangeDetection},
		{"F1RecordsWithoutDriverAreCounted", TestF1RecordsWithoutDriverAreCounted},
		{"F1PathTooLongIsRefusedClearly", TestF1PathTooLongIsRefusedClearly},
		{"F1StreamRaceControlAppendsEvents", TestF1StreamRaceControlAppendsEvents},
		{"F1StreamAlertsAppendWithoutDuplicates", TestF1StreamAlertsAppendWithoutDuplicates},
		{"F1StreamGearAnomaliesAppendEvents", TestF1StreamGearAnomaliesAppendEvents},
		{"F1StreamSeriesInTimeOrder", TestF1StreamSeriesInTimeOrder},
		{"F1GoldenFrames", TestF1GoldenFrames},
		{"HealthOKCountsTopicsAndSubjects", TestHealthOKCountsTopicsAndSubjects},
		{"HealthRegistryFailures", TestHealthRegistryFailures},
		{"RaceStartProducesACommandServeReads", TestRaceStartProducesACommandServeReads},
		{"RaceStartRejectsBadBodies", TestRaceStartRejectsBadBodies},
		{"RaceStatusFollowsStartAndStop", TestRaceStatusFollowsStartAndStop},
		{"RaceStatusSaysWhenNoProducerAnswers", TestRaceStatusSaysWhenNoProducerAnswers},
		{"Resources", TestResources},
		{"TimeRangeBeforeTheLogStartSaysRecordsWereDeleted", TestTimeRangeBeforeTheLogStartSaysRecordsWereDeleted},
	} {
		t.Run(tc.name, tc.fn)
	}
}
