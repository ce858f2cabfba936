//go:build js && wasm

package main

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"syscall/js"
)

// hostRSAKey asks the host (Node's native crypto) for an RSA key. Generating
// one in WebAssembly takes seconds (math/big without assembly), natively a
// few tens of milliseconds.
func hostRSAKey(bits int) (*rsa.PrivateKey, bool) {
	generate := js.Global().Get("quaysideGenerateRsaKey")
	if generate.Type() != js.TypeFunction {
		return nil, false
	}
	der, err := base64.StdEncoding.DecodeString(generate.Invoke(bits).String())
	if err != nil {
		return nil, false
	}
	key, err := x509.ParsePKCS1PrivateKey(der)
	if err != nil {
		return nil, false
	}
	return key, true
}
