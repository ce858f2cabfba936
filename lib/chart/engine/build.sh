#!/usr/bin/env bash
# Rebuilds engine.wasm, and the same engine as a native program for Linux on
# x86-64 (engine-linux-x64, which the CLI runs where it can: native-engine.ts),
# from the Go sources in go/ with Debian's packaged Go libraries (GOPATH mode,
# no module proxy). The flags make the output depend only on the sources and the
# toolchain, so a rebuild reproduces the committed files byte for byte.
# Go's build cache is content-addressed, so using it does not change the output.
# Usage: build.sh [output.wasm [output-native]]   (default: beside this script)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/engine.wasm}"
native="${2:-$here/engine-linux-x64}"
export GO111MODULE=off
export GOPATH="$here/go:/usr/share/gocode"
export GOFLAGS=-trimpath
export GOPROXY=off
export CGO_ENABLED=0
cd "$here/go/src/quayside-engine"
GOOS=js GOARCH=wasm go build -ldflags='-s -w -buildid=' -o "$out" .
GOOS=linux GOARCH=amd64 go build -ldflags='-s -w -buildid=' -o "$native" .
