package dist

import (
	"strings"
	"testing"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestSignCommandsNeedAToken(t *testing.T) {
	_, err := SignCommands(envOf(nil))
	wantAll(t, err, "GRAFANA_ACCESS_POLICY_TOKEN", "plugins:write", "PITWALL_SIGN_ROOT_URLS",
		"allow_loading_unsigned_plugins = pitwall-kafka-datasource,pitwall-leaderboard-panel")
}

func TestSignCommandsSignBothFolders(t *testing.T) {
	cmds, err := SignCommands(envOf(map[string]string{SignTokenEnv: "glc_x"}))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"npx --yes " + SignPlugin + " --distDir dist",
		"npx --yes " + SignPlugin + " --distDir dist-panel",
	}
	if len(cmds) != 2 || strings.Join(cmds[0], " ") != want[0] || strings.Join(cmds[1], " ") != want[1] {
		t.Fatalf("public signature commands = %q, want %q", cmds, want)
	}
	for _, c := range cmds {
		if strings.Contains(strings.Join(c, " "), "glc_x") {
			t.Errorf("the token is on the command line (it belongs in the environment): %q", c)
		}
	}
}

func TestSignCommandsPrivateSignature(t *testing.T) {
	cmds, err := SignCommands(envOf(map[string]string{SignTokenEnv: "glc_x",
		SignRootURLsEnv: " https://grafana.example.com/ , http://10.0.0.5:3000/grafana/"}))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cmds {
		got := strings.Join(c, " ")
		if !strings.HasSuffix(got, "--rootUrls https://grafana.example.com/,http://10.0.0.5:3000/grafana/") {
			t.Errorf("private signature command: %s", got)
		}
	}
	for _, bad := range []string{"grafana.example.com", "ftp://x/", "https://", "https://g/?a=b"} {
		_, err := SignCommands(envOf(map[string]string{SignTokenEnv: "glc_x", SignRootURLsEnv: bad}))
		if err == nil || !strings.Contains(err.Error(), "not a Grafana root URL") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
