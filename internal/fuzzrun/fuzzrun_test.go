package fuzzrun

import (
	"strings"
	"testing"
	"time"
)

func TestFindListsTheRepositorysFuzzTargets(t *testing.T) {
	targets, err := Find("../..")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, tg := range targets {
		got[tg.Dir+"."+tg.Name] = true
	}
	for _, want := range []string{"pkg/codec.FuzzJSONFlatten", "pkg/codec.FuzzAvroDecode", "internal/replay.FuzzFastF1CSV",
		"internal/replay.FuzzOpenF1JSON", "pkg/query.FuzzChannelPath", "pkg/query.FuzzParseQuery",
		"pkg/plugin.FuzzSettings", "pkg/pipeline.FuzzPipelineFrames"} {
		if !got[want] {
			t.Errorf("%s not found in %v", want, targets)
		}
	}
}

func TestParseTakesTheLastExecCountAndTheCrasher(t *testing.T) {
	out := `fuzz: elapsed: 0s, gathering baseline coverage: 0/12 completed
fuzz: elapsed: 3s, execs: 10426 (3475/sec), new interesting: 2 (total: 14)
{"@level":"warn","@message":"x"}
fuzz: elapsed: 6s, execs: 21933 (3835/sec), new interesting: 2 (total: 14)
--- FAIL: FuzzX (6.01s)
    Failing input written to testdata/fuzz/FuzzX/5f0a3c
`
	n, crasher := parse([]byte(out))
	if n != 21933 || crasher != "testdata/fuzz/FuzzX/5f0a3c" {
		t.Fatalf("%d %q", n, crasher)
	}
	if n, c := parse([]byte("ok\n")); n != 0 || c != "" {
		t.Fatalf("%d %q", n, c)
	}
}

func TestFromEnv(t *testing.T) {
	env := map[string]string{}
	get := func(k string) string { return env[k] }
	o, err := FromEnv(get)
	if err != nil || o.FuzzTime != 30*time.Second || o.Filter != nil || o.Parallel != 0 {
		t.Fatalf("defaults: %+v %v", o, err)
	}
	env["PITWALL_FUZZTIME"], env["PITWALL_FUZZ"], env["PITWALL_FUZZPARALLEL"] = "2m", "JSON|Avro", "1"
	o, err = FromEnv(get)
	if err != nil || o.FuzzTime != 2*time.Minute || !o.Filter.MatchString("FuzzAvroDecode") || o.Parallel != 1 {
		t.Fatalf("set: %+v %v", o, err)
	}
	for k, v := range map[string]string{"PITWALL_FUZZTIME": "soon", "PITWALL_FUZZ": "(", "PITWALL_FUZZPARALLEL": "0"} {
		env = map[string]string{k: v}
		if _, err := FromEnv(get); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%q: %v", k, v, err)
		}
	}
}
