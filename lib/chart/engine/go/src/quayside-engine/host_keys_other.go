//go:build !(js && wasm)

package main

import "crypto/rsa"

// hostRSAKey: natively (the engine's Go tests) Go generates keys itself.
func hostRSAKey(int) (*rsa.PrivateKey, bool) { return nil, false }
