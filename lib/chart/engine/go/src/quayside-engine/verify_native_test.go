//go:build !(js && wasm)

package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"
)

type testCert struct {
	der  []byte
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func makeCert(t *testing.T, template *x509.Certificate, parent *testCert) *testCert {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, issuer := key, template
	if parent != nil {
		signer, issuer = parent.key, parent.cert
	}
	der, err := x509.CreateCertificate(rand.Reader, template, issuer, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCert{der: der, cert: cert, key: key}
}

func caTemplate(name string) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
}

func serverTemplate(usage x509.ExtKeyUsage, notAfter time.Time) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "kube-apiserver"},
		NotBefore: time.Now().Add(-2 * time.Hour), NotAfter: notAfter,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
		DNSNames: []string{"kubernetes.default"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
	}
}

func verifyCall(t *testing.T, ca *testCert, serverName string, chain ...*testCert) verifyReply {
	t.Helper()
	req := verifyRequest{
		CA:         string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.der})),
		ServerName: serverName,
	}
	for _, c := range chain {
		req.Chain = append(req.Chain, c.der)
	}
	raw, _ := json.Marshal(req)
	var reply verifyReply
	if err := json.Unmarshal([]byte(verifyServerCertificate(raw)), &reply); err != nil {
		t.Fatal(err)
	}
	return reply
}

func TestVerifyServerCertificateAsKubectlDoes(t *testing.T) {
	ca := makeCert(t, caTemplate("cluster-ca"), nil)
	other := makeCert(t, caTemplate("other-ca"), nil)
	good := makeCert(t, serverTemplate(x509.ExtKeyUsageServerAuth, time.Now().Add(time.Hour)), ca)
	expired := makeCert(t, serverTemplate(x509.ExtKeyUsageServerAuth, time.Now().Add(-time.Hour)), ca)
	client := makeCert(t, serverTemplate(x509.ExtKeyUsageClientAuth, time.Now().Add(time.Hour)), ca)
	intermediateTemplate := caTemplate("intermediate")
	intermediateTemplate.SerialNumber = big.NewInt(3)
	intermediate := makeCert(t, intermediateTemplate, ca)
	viaIntermediate := makeCert(t, serverTemplate(x509.ExtKeyUsageServerAuth, time.Now().Add(time.Hour)), intermediate)

	for _, ok := range []struct {
		name  string
		host  string
		chain []*testCert
	}{
		{"by IP", "127.0.0.1", []*testCert{good}},
		{"by name", "kubernetes.default", []*testCert{good}},
		{"through an intermediate the server sends", "127.0.0.1", []*testCert{viaIntermediate, intermediate}},
	} {
		if reply := verifyCall(t, ca, ok.host, ok.chain...); !reply.OK || reply.Error != "" {
			t.Errorf("%s: %+v", ok.name, reply)
		}
	}
	for _, refused := range []struct {
		name, host, want string
		ca               *testCert
		chain            []*testCert
	}{
		{"another name", "evil.example", "certificate is valid for kubernetes.default, not evil.example", ca, []*testCert{good}},
		{"another CA", "127.0.0.1", "certificate signed by unknown authority", other, []*testCert{good}},
		{"expired", "127.0.0.1", "certificate has expired", ca, []*testCert{expired}},
		{"a client certificate", "127.0.0.1", "certificate specifies an incompatible key usage", ca, []*testCert{client}},
		{"without the intermediate", "127.0.0.1", "certificate signed by unknown authority", ca, []*testCert{viaIntermediate}},
		{"no certificate", "127.0.0.1", "the server sent no certificate", ca, nil},
	} {
		reply := verifyCall(t, refused.ca, refused.host, refused.chain...)
		if reply.OK || !strings.Contains(reply.Error, refused.want) {
			t.Errorf("%s: %+v, want an error containing %q", refused.name, reply, refused.want)
		}
	}
	if reply := checkServerCertificate([]byte(`{"ca":"not a certificate","serverName":"x","chain":[]}`)); reply.Error != "the certificate authority data holds no certificate" {
		t.Errorf("a CA that is no certificate: %+v", reply)
	}
}
