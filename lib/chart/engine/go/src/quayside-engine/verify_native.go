//go:build !(js && wasm)

package main

import (
	"crypto/x509"
	"encoding/json"
)

// verifyRequest is a TLS server's certificate chain as a client received it, to be verified the way
// kubectl (client-go, Go's crypto/tls) verifies an API server's: against the kubeconfig's CA
// certificates only, for the server name the client asked for, for server authentication.
type verifyRequest struct {
	// CA is the kubeconfig's certificate-authority data, PEM.
	CA string `json:"ca"`
	// ServerName is the host the client connected to (or tls-server-name).
	ServerName string `json:"serverName"`
	// Chain is the server's certificate, then whatever else it sent, DER.
	Chain [][]byte `json:"chain"`
}

type verifyReply struct {
	OK    bool   `json:"ok,omitempty"`
	Error string `json:"error,omitempty"`
}

// verifyServerCertificate answers {"ok":true}, or the error crypto/x509 gives.
func verifyServerCertificate(raw []byte) string {
	reply := checkServerCertificate(raw)
	out, _ := json.Marshal(reply)
	return string(out)
}

func checkServerCertificate(raw []byte) verifyReply {
	var req verifyRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return verifyReply{Error: "invalid verify request: " + err.Error()}
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM([]byte(req.CA)) {
		return verifyReply{Error: "the certificate authority data holds no certificate"}
	}
	if len(req.Chain) == 0 {
		return verifyReply{Error: "the server sent no certificate"}
	}
	intermediates := x509.NewCertPool()
	var leaf *x509.Certificate
	for i, der := range req.Chain {
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return verifyReply{Error: err.Error()}
		}
		if i == 0 {
			leaf = cert
		} else {
			intermediates.AddCert(cert)
		}
	}
	_, err := leaf.Verify(x509.VerifyOptions{
		Roots:         roots,
		Intermediates: intermediates,
		DNSName:       req.ServerName,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	if err != nil {
		return verifyReply{Error: err.Error()}
	}
	return verifyReply{OK: true}
}
