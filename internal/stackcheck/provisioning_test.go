package stackcheck

import (
	"errors"
	"strings"
	"testing"
)

func TestRepositoryProvisioning(t *testing.T) {
	s := loadRepo(t)
	var ds *Datasource
	for i := range s.Datasources.Datasources {
		if s.Datasources.Datasources[i].Type == DatasourceType {
			ds = &s.Datasources.Datasources[i]
		}
	}
	if ds == nil {
		t.Fatal("no pitwall-kafka-datasource in provisioning/datasources/pitwall.yaml")
	}
	if ds.UID != "pitwall" || ds.JSONData["bootstrapServers"] != "kafka:9092" ||
		ds.JSONData["schemaRegistryUrl"] != "http://schema-registry:8081" {
		t.Errorf("datasource = %+v", ds)
	}
	if len(ds.SecureJSONData) != 0 {
		t.Error("the compose stack needs no secrets; secureJsonData belongs in the commented example only")
	}
	pr := s.Providers.Providers
	if len(pr) != 1 || pr[0].Options.Path != "/var/lib/grafana/dashboards/pitwall" || pr[0].Folder == "" {
		t.Errorf("providers = %+v", pr)
	}
	ex, err := CommentedExample(s.DSRaw, "A secured cluster")
	if err != nil {
		t.Fatal(err)
	}
	if errs := CheckExample(ex); len(errs) > 0 {
		t.Error(errors.Join(errs...))
	}
}

func TestDatasourceProblemsAreFound(t *testing.T) {
	cases := []struct {
		name  string
		edits [][2]string
		want  []string
	}{
		{"other uid", [][2]string{{"uid: pitwall", "uid: kafka"}}, []string{`uid is "kafka", dashboards refer to "pitwall"`}},
		{"other type", [][2]string{{"type: pitwall-kafka-datasource", "type: hamedkarbasi93-kafka-datasource"}},
			[]string{"no datasource of type pitwall-kafka-datasource"}},
		{"host address", [][2]string{{"bootstrapServers: kafka:9092", "bootstrapServers: localhost:29092"}},
			[]string{"bootstrapServers has localhost:29092, but inside the compose network Kafka is kafka:9092"}},
		{"registry on the host", [][2]string{{"schemaRegistryUrl: http://schema-registry:8081", "schemaRegistryUrl: http://localhost:8081"}},
			[]string{"localhost is not a compose service", `producer --registry is "http://schema-registry:8081" but the datasource reads "http://localhost:8081"`}},
		{"wrong registry port", [][2]string{{"schemaRegistryUrl: http://schema-registry:8081", "schemaRegistryUrl: http://schema-registry:8085"}},
			[]string{"service schema-registry has no port 8085"}},
		{"unknown setting", [][2]string{{"      timeoutSeconds: 10\n", "      timeoutSeconds: 10\n      brokers: kafka:9092\n"}},
			[]string{"jsonData.brokers is not a setting of DESIGN.md"}},
		{"secret in jsonData", [][2]string{{"      timeoutSeconds: 10\n", "      timeoutSeconds: 10\n      saslPassword: hunter2\n"}},
			[]string{"jsonData.saslPassword is a secret: it belongs in secureJsonData"}},
		{"bad timeout", [][2]string{{"      timeoutSeconds: 10\n", "      timeoutSeconds: ten\n"}},
			[]string{"jsonData.timeoutSeconds is ten"}},
		{"example with a typo", [][2]string{{"#      saslMechanism: SCRAM-SHA-512", "#      saslMechanism: SCRAM-SHA-1"}},
			[]string{"jsonData.saslMechanism SCRAM-SHA-1 is not one of"}},
		{"example missing a secret", [][2]string{{"#      tlsClientKey:", "#      tlsKey:"}},
			[]string{"secureJsonData.tlsKey is not a secret setting", "the commented example lacks secureJsonData.tlsClientKey"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := writeStack(t, "provisioning/datasources/pitwall.yaml", c.edits...)
			if err != nil {
				t.Fatal(err)
			}
			mustFind(t, s, c.want...)
		})
	}
}

func TestProvisioningFilesAreDecodedStrictly(t *testing.T) {
	_, err := writeStack(t, "provisioning/datasources/pitwall.yaml", [2]string{"    jsonData:\n", "    jsondata:\n"})
	if err == nil || !strings.Contains(err.Error(), "jsondata") {
		t.Errorf("a misspelt jsonData (ignored by Grafana) should fail to load, got %v", err)
	}
	_, err = writeStack(t, "provisioning/dashboards/pitwall.yaml", [2]string{"      path:", "      paths:"})
	if err == nil || !strings.Contains(err.Error(), "paths") {
		t.Errorf("a misspelt options.path should fail to load, got %v", err)
	}
}

func TestProviderProblemsAreFound(t *testing.T) {
	s, err := writeStack(t, "provisioning/dashboards/pitwall.yaml",
		[2]string{"path: /var/lib/grafana/dashboards/pitwall", "path: /var/lib/grafana/dashboards"},
		[2]string{"type: file", "type: git"})
	if err != nil {
		t.Fatal(err)
	}
	mustFind(t, s, `reads "/var/lib/grafana/dashboards", but compose mounts dashboards/ at "/var/lib/grafana/dashboards/pitwall"`,
		`type "git", want file`)
}

func TestCommentedExampleNeedsTheMarker(t *testing.T) {
	if _, err := CommentedExample([]byte("apiVersion: 1\n"), "A secured cluster"); err == nil {
		t.Error("a file without the example was accepted")
	}
	if _, err := CommentedExample([]byte("# A secured cluster\napiVersion: 1\n"), "A secured cluster"); err == nil {
		t.Error("a marker without YAML was accepted")
	}
	if errs := CheckExample([]byte("jsonData:\n  bootstrapServers: [\n")); len(errs) != 1 {
		t.Errorf("broken example YAML: %v", errs)
	}
}
