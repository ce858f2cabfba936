#!/usr/bin/env bash
# Runs the engine's Go tests natively (GOPATH mode with Debian's packaged
# libraries, like build.sh), and the standard library's own tests of the engine's copy of
# text/template (internal/). Extra arguments go to `go test`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export GO111MODULE=off
export GOPATH="$here/go:/usr/share/gocode"
export GOPROXY=off
cd "$here/go/src/quayside-engine"
go test "$@" . ./internal/...
