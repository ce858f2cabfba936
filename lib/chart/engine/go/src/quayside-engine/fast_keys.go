package main

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"quayside-engine/internal/text/template"
	"reflect"
)

// Sprig's genCA, genSelfSignedCert, genSignedCert and genPrivateKey make RSA
// keys with crypto/rsa, which in WebAssembly takes seconds per key. These
// take the key from the host instead and hand it to Sprig's own "WithKey"
// variants, so certificates are built exactly as Sprig builds them. Without a
// host generator they are Sprig's functions unchanged.
func withHostKeys(f template.FuncMap) {
	keyPEM := func(bits int) (string, bool) {
		key, ok := hostRSAKey(bits)
		if !ok {
			return "", false
		}
		return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})), true
	}
	genCA, genSelfSigned, genSigned, genPrivateKey := f["genCA"], f["genSelfSignedCert"], f["genSignedCert"], f["genPrivateKey"]
	f["genCA"] = func(cn string, days int) (interface{}, error) {
		if key, ok := keyPEM(2048); ok {
			return call2(f["genCAWithKey"], cn, days, key)
		}
		return call2(genCA, cn, days)
	}
	f["genSelfSignedCert"] = func(cn string, ips, dns []interface{}, days int) (interface{}, error) {
		if key, ok := keyPEM(2048); ok {
			return call2(f["genSelfSignedCertWithKey"], cn, ips, dns, days, key)
		}
		return call2(genSelfSigned, cn, ips, dns, days)
	}
	f["genSignedCert"] = func(cn string, ips, dns []interface{}, days int, ca interface{}) (interface{}, error) {
		if err := sameType(genSigned, 4, ca); err != nil {
			return nil, err
		}
		if key, ok := keyPEM(2048); ok {
			return call2(f["genSignedCertWithKey"], cn, ips, dns, days, ca, key)
		}
		return call2(genSigned, cn, ips, dns, days, ca)
	}
	f["genPrivateKey"] = func(typ string) string {
		if typ == "" || typ == "rsa" {
			if key, ok := keyPEM(4096); ok {
				return key
			}
		}
		return genPrivateKey.(func(string) string)(typ)
	}
}

// call2 calls a Sprig function that returns (value, error).
func call2(fn interface{}, args ...interface{}) (interface{}, error) {
	in := make([]reflect.Value, len(args))
	for i, a := range args {
		in[i] = reflect.ValueOf(a)
	}
	out := reflect.ValueOf(fn).Call(in)
	if err, _ := out[1].Interface().(error); err != nil {
		return nil, err
	}
	return out[0].Interface(), nil
}

// sameType refuses an argument Sprig's function would not take, with the
// error text/template gives for a wrong argument type.
func sameType(fn interface{}, index int, arg interface{}) error {
	want := reflect.TypeOf(fn).In(index)
	if arg == nil || !reflect.TypeOf(arg).AssignableTo(want) {
		return errors.New("wrong type for value; expected " + want.String())
	}
	return nil
}
