package stackcheck

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const repoRoot = "../.."

func loadRepo(t *testing.T) *Stack {
	t.Helper()
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The repository's own stack passes every check.
func TestRepositoryStackPassesEveryCheck(t *testing.T) {
	s := loadRepo(t)
	for _, err := range s.Check() {
		t.Error(err)
	}
}

func TestRepositoryStackShape(t *testing.T) {
	s := loadRepo(t)
	kafka, errs := CheckKafka(s.Compose, "kafka")
	if len(errs) > 0 {
		t.Fatal(errors.Join(errs...))
	}
	if kafka.Internal != "kafka:9092" || kafka.External != "localhost:29092" {
		t.Errorf("kafka addresses %+v; README and provisioning use kafka:9092 and localhost:29092", kafka)
	}
	for _, name := range []string{"kafka", "schema-registry", "grafana", "producer"} {
		if _, ok := s.Compose.Services[name]; !ok {
			t.Errorf("service %s missing", name)
		}
	}
	for _, st := range []string{"frontend", "gobuild", "producer", "grafana"} {
		if _, ok := StageNamed(s.Stages, st); !ok {
			t.Errorf("Dockerfile stage %s missing", st)
		}
	}
	if _, ok := s.Dashboards["f1-live.json"]; !ok {
		t.Fatal("dashboards/f1-live.json missing")
	}
	if _, ok := s.Dashboards["explore-raw.json"]; !ok {
		t.Error("dashboards/explore-raw.json missing")
	}
}

// writeStack copies the repository's stack files into a temp root, with
// edits applied to one of them, and loads it.
func writeStack(t *testing.T, file string, edits ...[2]string) (*Stack, error) {
	t.Helper()
	root := t.TempDir()
	for _, f := range []string{"docker-compose.yml", "Dockerfile", "go.mod", ".nvmrc", "plugin.json",
		"provisioning/datasources/pitwall.yaml", "provisioning/dashboards/pitwall.yaml",
		"dashboards/f1-live.json", "dashboards/explore-raw.json"} {
		raw, err := os.ReadFile(filepath.Join(repoRoot, f))
		if err != nil {
			t.Fatal(err)
		}
		text := string(raw)
		if f == file {
			for _, e := range edits {
				if !strings.Contains(text, e[0]) {
					t.Fatalf("%s has no %q to edit", f, e[0])
				}
				text = strings.Replace(text, e[0], e[1], 1)
			}
		}
		dst := filepath.Join(root, f)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return Load(root)
}

// mustFind checks that the stack, after the edit, has a problem mentioning want.
func mustFind(t *testing.T, s *Stack, want ...string) {
	t.Helper()
	errs := s.Check()
	all := errors.Join(errs...)
	for _, w := range want {
		if all == nil || !strings.Contains(all.Error(), w) {
			t.Errorf("no problem mentions %q; problems: %v", w, all)
		}
	}
}

func TestComposeProblemsAreFound(t *testing.T) {
	cases := []struct {
		name  string
		edits [][2]string
		want  []string
	}{
		{"latest image", [][2]string{{"apache/kafka:4.1.0", "apache/kafka:latest"}},
			[]string{`image "apache/kafka:latest" is not pinned`}},
		{"untagged image", [][2]string{{"confluentinc/cp-schema-registry:7.9.0", "confluentinc/cp-schema-registry"}},
			[]string{`image "confluentinc/cp-schema-registry" is not pinned`}},
		{"no kafka healthcheck", [][2]string{{"      test: [\"CMD-SHELL\", \"/opt/kafka", "      disable: true\n      x-test: [\"CMD-SHELL\", \"/opt/kafka"}},
			[]string{"service kafka has no healthcheck", "waits for kafka to be healthy, but kafka has no healthcheck"}},
		{"grafana starts before kafka is healthy", [][2]string{{"    depends_on:\n      kafka:\n        condition: service_healthy\n      schema-registry:\n        condition: service_healthy\n      producer:", "    depends_on:\n      kafka:\n        condition: service_started\n      schema-registry:\n        condition: service_healthy\n      producer:"}},
			[]string{"service grafana must wait for kafka with condition service_healthy"}},
		{"grafana on another port", [][2]string{{`"127.0.0.1:3000:3000"`, `"127.0.0.1:3001:3000"`}},
			[]string{"service grafana does not publish port 3000"}},
		{"missing Dockerfile stage", [][2]string{{"target: producer", "target: producr"}},
			[]string{`the Dockerfile has no stage "producr"`}},
		{"grafana on every interface", [][2]string{{`"127.0.0.1:3000:3000"`, `"3000:3000"`}},
			[]string{"service grafana publishes port 3000 on every host interface"}},
		{"kafka on a LAN address", [][2]string{{`"127.0.0.1:29092:29092"`, `"192.168.1.5:29092:29092"`}},
			[]string{"service kafka publishes port 29092 on 192.168.1.5"}},
		{"external listener not published", [][2]string{{`"127.0.0.1:29092:29092"`, `"127.0.0.1:29093:29092"`}},
			[]string{"advertised as localhost:29092 but host port 29092 is not published"}},
		{"no listener for the host", [][2]string{{"EXTERNAL://localhost:29092", "EXTERNAL://kafka:29092"}},
			[]string{"no listener is advertised on localhost"}},
		{"producer on the host address", [][2]string{{"      - --brokers\n      - kafka:9092", "      - --brokers\n      - localhost:29092"}},
			[]string{`producer --brokers is "localhost:29092"`}},
		{"producer without demo", [][2]string{{"      - --demo\n", ""}},
			[]string{"--demo"}},
		{"panel not allowed unsigned", [][2]string{{"pitwall-kafka-datasource,pitwall-leaderboard-panel", "pitwall-kafka-datasource"}},
			[]string{"does not allow pitwall-leaderboard-panel"}},
		{"provisioning not mounted", [][2]string{{"./provisioning/datasources:/etc/grafana/provisioning/datasources:ro", "./provisioning/datasources:/etc/grafana/datasources:ro"}},
			[]string{"grafana must mount provisioning/datasources at /etc/grafana/provisioning/datasources"}},
		{"dashboards mounted elsewhere", [][2]string{{"./dashboards:/var/lib/grafana/dashboards/pitwall:ro", "./dashboards:/dashboards:ro"}},
			[]string{`reads "/var/lib/grafana/dashboards/pitwall", but compose mounts dashboards/ at "/dashboards"`, "home dashboard"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := writeStack(t, "docker-compose.yml", c.edits...)
			if err != nil {
				t.Fatal(err)
			}
			mustFind(t, s, c.want...)
		})
	}
}

func TestDockerfileProblemsAreFound(t *testing.T) {
	cases := []struct {
		name  string
		edits [][2]string
		want  []string
	}{
		{"unpinned base", [][2]string{{"ARG ALPINE_VERSION=3.22", "ARG ALPINE_VERSION=latest"}},
			[]string{`base image "alpine:latest" is not pinned`}},
		{"old Go", [][2]string{{"ARG GO_VERSION=1.26.8", "ARG GO_VERSION=1.22.1"}},
			[]string{"Go 1.22.1-bookworm is older than go.mod's go"}},
		{"other Node", [][2]string{{"ARG NODE_VERSION=20.20.2", "ARG NODE_VERSION=18.20.0"}},
			[]string{"Node 18.20.0-bookworm-slim, but .nvmrc says 20"}},
		{"other Grafana", [][2]string{{"ARG GRAFANA_VERSION=12.4.10", "ARG GRAFANA_VERSION=11.6.0"}},
			[]string{"must be grafana/grafana:12.4.x"}},
		{"plugin not copied", [][2]string{{"/src/dist /var/lib/grafana/plugins/pitwall-kafka-datasource", "/src/dist /var/lib/grafana/plugins/pitwall"}},
			[]string{"does not COPY a plugin to /var/lib/grafana/plugins/pitwall-kafka-datasource"}},
		{"panel not copied", [][2]string{{"COPY --from=frontend --chown=472:0 /src/dist-panel /var/lib/grafana/plugins/pitwall-leaderboard-panel\n", ""}},
			[]string{"does not COPY a plugin to /var/lib/grafana/plugins/pitwall-leaderboard-panel"}},
		{"manifest unchecked", [][2]string{{" && test -s dist/go_plugin_build_manifest \\\n", ""}},
			[]string{"go_plugin_build_manifest"}},
		{"no npm ci", [][2]string{{"RUN npm ci --no-audit --no-fund", "RUN npm install"}},
			[]string{"must run npm ci and npm run build"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := writeStack(t, "Dockerfile", c.edits...)
			if err != nil {
				t.Fatal(err)
			}
			mustFind(t, s, c.want...)
		})
	}
}

func TestParseDockerfile(t *testing.T) {
	src := `# comment
ARG BASE=1.2.3
FROM golang:${BASE} AS Build
RUN echo a \
    b
FROM build AS second
COPY --from=build /x /y
FROM alpine:3.22
`
	stages, err := ParseDockerfile(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(stages) != 3 || stages[0].Name != "build" || stages[0].Image != "golang:1.2.3" || stages[0].Line != 3 {
		t.Fatalf("stages = %+v", stages)
	}
	if len(stages[0].Lines) != 1 || stages[0].Lines[0] != "RUN echo a b" {
		t.Errorf("continuation not joined: %q", stages[0].Lines)
	}
	if stages[1].Image != "build" || stages[2].Name != "" {
		t.Errorf("stages = %+v", stages)
	}
	for name, bad := range map[string]string{
		"arg without default": "ARG V\nFROM golang:${V}\n",
		"no FROM":             "ARG V=1\n",
		"instruction first":   "RUN true\nFROM alpine:3.22\n",
		"open continuation":   "FROM alpine:3.22\nRUN a \\\n",
	} {
		if _, err := ParseDockerfile(strings.NewReader(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestImageTags(t *testing.T) {
	for ref, want := range map[string][2]string{
		"apache/kafka:4.1.0":               {"apache/kafka", "4.1.0"},
		"localhost:5000/grafana":           {"localhost:5000/grafana", ""},
		"localhost:5000/grafana:12.4.10":   {"localhost:5000/grafana", "12.4.10"},
		"alpine@sha256:abc":                {"alpine", "sha256:abc"},
		"golang:1.26.8-bookworm":           {"golang", "1.26.8-bookworm"},
		"confluentinc/cp-schema-registry":  {"confluentinc/cp-schema-registry", ""},
		"docker.io/library/postgres:15.10": {"docker.io/library/postgres", "15.10"},
	} {
		repo, tag := ImageTag(ref)
		if repo != want[0] || tag != want[1] {
			t.Errorf("ImageTag(%q) = %q, %q; want %q", ref, repo, tag, want)
		}
	}
	for tag, want := range map[string]bool{"4.1.0": true, "12.4": true, "latest": false, "": false, "7": false, "stable": false, "sha256:ab": true} {
		if pinned(tag) != want {
			t.Errorf("pinned(%q) = %v", tag, !want)
		}
	}
	if compareVersions("1.26.8-bookworm", "1.26.8") != 0 || compareVersions("1.26.10", "1.26.8") != 1 || compareVersions("1.25", "1.26.8") != -1 {
		t.Error("compareVersions is wrong")
	}
}
