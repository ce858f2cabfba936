#!/usr/bin/env bash
# Rebuilds engine.wasm from the Go sources in go/ with Debian's packaged Go
# libraries (GOPATH mode, no module proxy). The flags make the output depend
# only on the sources and the toolchain, so a rebuild reproduces the committed
# file byte for byte.
# Go's build cache is content-addressed, so using it does not change the output.
# Usage: build.sh [output.wasm]   (default: engine.wasm beside this script)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/engine.wasm}"
export GO111MODULE=off
export GOPATH="$here/go:/usr/share/gocode"
export GOFLAGS=-trimpath
export GOPROXY=off
export GOOS=js GOARCH=wasm CGO_ENABLED=0
cd "$here/go/src/quayside-engine"
go build -ldflags='-s -w -buildid=' -o "$out" .
