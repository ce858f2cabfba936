//go:build js && wasm

// Command quayside-engine is Helm's template engine (Go text/template, Sprig
// and Helm's own functions) compiled to WebAssembly. It registers one global
// JavaScript function and then stays alive so that one instance serves many
// renders: starting the Go runtime costs far more than a render does.
package main

import (
	"runtime/debug"
	"syscall/js"
)

func main() {
	// Renders allocate a few MB each and the heap is small; collecting less
	// often trades some memory for steadier render times.
	debug.SetGCPercent(400)
	js.Global().Set("quaysideEngineRender", js.FuncOf(func(this js.Value, args []js.Value) interface{} {
		if len(args) < 1 || len(args) > 3 {
			return encodeResponse(failure("internal", "quaysideEngineRender takes a JSON request, the bytes of its files and a stored parse", ""))
		}
		// The charts' files come as one Uint8Array, copied once, which the request's
		// scopes point into: in the JSON, as base64, they were most of what there was
		// to read (6 MB of CRDs in kube-prometheus-stack).
		var fileData []byte
		if len(args) >= 2 && args[1].Truthy() {
			fileData = make([]byte, args[1].Get("length").Int())
			js.CopyBytesToGo(fileData, args[1])
		}
		// A parse of the templates that an earlier process kept (stored_parse.go).
		var storedParse []byte
		if len(args) == 3 && args[2].Truthy() {
			storedParse = make([]byte, args[2].Get("length").Int())
			js.CopyBytesToGo(storedParse, args[2])
		}
		res := handleRequest([]byte(args[0].String()), fileData, storedParse)
		text := encodeResponse(res)
		if res.StoredParse == nil {
			return text
		}
		// This render's parse for the host to keep: bytes beside the JSON, not base64 in it.
		parsed := js.Global().Get("Uint8Array").New(len(res.StoredParse))
		js.CopyBytesToJS(parsed, res.StoredParse)
		return []interface{}{text, parsed}
	}))
	js.Global().Set("quaysideEngineYaml", js.FuncOf(func(this js.Value, args []js.Value) interface{} {
		if len(args) != 2 {
			return `{"error":"quaysideEngineYaml takes a mode and a text"}`
		}
		return readYAML(args[0].String(), args[1].String()).encode()
	}))
	select {}
}
