package plugin

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// secretMark starts every secret of FuzzSettings: text that no message of
// the plugin holds, so finding it in output means a secret leaked.
const secretMark = "Zq9Secr3t-"

// FuzzSettings: any jsonData with any secrets gives settings or an error
// that names what to fix, never a panic; and no secret (secureJsonData) shows
// in the error, the settings printed any way, or the Kafka config printed,
// unless the same text was put in jsonData itself (which is not secret).
// Seeds: testdata/fuzz/FuzzSettings.
func FuzzSettings(f *testing.F) {
	f.Add([]byte(`{"bootstrapServers":"k:9092","saslMechanism":"PLAIN","saslUsername":"u","timeoutSeconds":"5"}`), "pw", uint8(1))
	f.Add([]byte(`{"bootstrapServers":"k:9092,k2:9093","tlsEnabled":true,"tlsServerName":"kafka","schemaRegistryUrl":"https://sr:8081","schemaRegistryUsername":"r"}`), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", uint8(30))
	f.Add([]byte(`{"bootstrapServers":"nohost","saslMechanism":"scram-sha-512","timeoutSeconds":999,"schemaRegistryUrl":"http://u:p@sr"}`), "", uint8(16))
	f.Add([]byte(`{"bootstrapServers":"k:1","schemaRegistryUrl":"ftp://x"}`), "%q%v\x00\"", uint8(31))
	keys := []string{"saslPassword", "tlsCACert", "tlsClientCert", "tlsClientKey", "schemaRegistryPassword"}
	f.Fuzz(func(t *testing.T, jd []byte, secret string, which uint8) {
		secret = secretMark + secret
		sec := map[string]string{}
		for i, k := range keys {
			if which&(1<<i) != 0 {
				sec[k] = secret
			}
		}
		s, err := LoadSettings(backend.DataSourceInstanceSettings{JSONData: jd, DecryptedSecureJSONData: sec})
		if strings.Contains(string(jd), secretMark) {
			return // the "secret" was also given as plain jsonData
		}
		js, _ := json.Marshal(s)
		out := fmt.Sprintf("%v|%+v|%#v|%s|%s", s, s, s, s.String(), js)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an empty error")
			}
			out += "|" + err.Error()
		}
		if kc, kerr := s.kafkaConfig(); kerr == nil {
			kjs, _ := json.Marshal(kc)
			out += fmt.Sprintf("|%v|%+v|%#v|%s", kc, kc, kc, kjs)
		} else {
			out += "|" + kerr.Error()
		}
		if strings.Contains(out, secretMark) {
			t.Fatalf("a secret leaked: %s", out)
		}
	})
}
