package testkafka

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Certs is a test PKI: a CA, the brokers' certificate (for localhost and
// 127.0.0.1) and a client certificate, all signed by the CA, plus a second
// CA that signed nothing the brokers trust (for "unknown CA" tests). Every
// field is PEM.
type Certs struct {
	CA         []byte
	ServerCert []byte
	ServerKey  []byte
	ClientCert []byte // CN=ClientCN, for mutual TLS
	ClientKey  []byte
	// OtherCA and the client pair it signed: a CA the brokers do not trust.
	OtherCA         []byte
	OtherClientCert []byte
	OtherClientKey  []byte

	caPool *x509.CertPool
}

// ClientCN is the common name of Certs.ClientCert; with mutual TLS the
// broker's principal for it is User:CN=pitwall-client.
const ClientCN = "pitwall-client"

// ServerNames are the names the brokers' certificate is valid for.
var ServerNames = []string{"localhost", "127.0.0.1"}

type issuer struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newCA(name string) (issuer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return issuer{}, fmt.Errorf("generating the %s key: %w", name, err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return issuer{}, fmt.Errorf("signing the %s: %w", name, err)
	}
	cert, _ := x509.ParseCertificate(der)
	return issuer{cert: cert, key: key, pem: pemBlock("CERTIFICATE", der)}, nil
}

// leaf signs a certificate for cn with the given DNS names and IPs.
func (ca issuer) leaf(cn string, names []string, usage x509.ExtKeyUsage) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generating the key of %s: %w", cn, err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return nil, nil, fmt.Errorf("signing the certificate of %s: %w", cn, err)
	}
	// Kafka's PEM key store reads PKCS#8 keys only.
	k8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("encoding the key of %s: %w", cn, err)
	}
	return pemBlock("CERTIFICATE", der), pemBlock("PRIVATE KEY", k8), nil
}

// NewCerts makes a fresh test PKI.
func NewCerts() (*Certs, error) {
	ca, err := newCA("pitwall test CA")
	if err != nil {
		return nil, err
	}
	other, err := newCA("some other CA")
	if err != nil {
		return nil, err
	}
	c := &Certs{CA: ca.pem, OtherCA: other.pem, caPool: x509.NewCertPool()}
	c.caPool.AddCert(ca.cert)
	if c.ServerCert, c.ServerKey, err = ca.leaf("kafka-broker", ServerNames, x509.ExtKeyUsageServerAuth); err != nil {
		return nil, err
	}
	if c.ClientCert, c.ClientKey, err = ca.leaf(ClientCN, nil, x509.ExtKeyUsageClientAuth); err != nil {
		return nil, err
	}
	if c.OtherClientCert, c.OtherClientKey, err = other.leaf(ClientCN, nil, x509.ExtKeyUsageClientAuth); err != nil {
		return nil, err
	}
	return c, nil
}

// ClientTLS is a client configuration that trusts the CA, for serverName,
// with the client certificate when mutual is true.
func (c *Certs) ClientTLS(serverName string, mutual bool) *tls.Config {
	cfg := &tls.Config{RootCAs: c.caPool, ServerName: serverName, MinVersion: tls.VersionTLS12}
	if mutual {
		pair, err := tls.X509KeyPair(c.ClientCert, c.ClientKey)
		if err == nil {
			cfg.Certificates = []tls.Certificate{pair}
		}
	}
	return cfg
}

// write puts the brokers' key store (key then certificate, PEM) and trust
// store (the CA) into dir, for ssl.keystore.type=PEM.
func (c *Certs) write(dir string) (keystore, truststore string, err error) {
	keystore = filepath.Join(dir, "broker-keystore.pem")
	truststore = filepath.Join(dir, "ca.pem")
	ks := append(append([]byte{}, c.ServerKey...), c.ServerCert...)
	if err := os.WriteFile(keystore, ks, 0o600); err != nil {
		return "", "", fmt.Errorf("writing the broker key store: %w", err)
	}
	if err := os.WriteFile(truststore, c.CA, 0o644); err != nil {
		return "", "", fmt.Errorf("writing the trust store: %w", err)
	}
	return keystore, truststore, nil
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	return n
}
