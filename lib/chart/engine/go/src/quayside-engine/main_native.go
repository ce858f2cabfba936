//go:build !(js && wasm)

// The engine as a native program (the CLI's, where a build for this machine is present): the same
// calls as main.go's JavaScript functions, read as frames from standard input and answered as frames
// on standard output, one call at a time, until standard input closes. With `--handoff PID` the calls
// and answers go over pipes the CLI takes over instead (handoff_linux.go).
//
// A frame is a 4-byte big-endian length and that many bytes. A call is an operation frame ("render",
// "yaml" or "verify") and then its arguments: render's JSON request, its files' bytes and a stored
// parse (each frame possibly empty); yaml's mode and text; verify's JSON request (verify_native.go).
// An answer is two frames: the JSON response, and the render's parse for the host to keep (empty
// when there is none).
package main

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
)

func main() {
	debug.SetGCPercent(400)
	var calls io.Reader = os.Stdin
	var answers io.Writer = os.Stdout
	if len(os.Args) == 3 && os.Args[1] == "--handoff" {
		parent, err := strconv.Atoi(os.Args[2])
		if err == nil {
			calls, answers, err = handoffStreams(parent)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "quayside-engine: --handoff:", err)
			os.Exit(2)
		}
	} else if len(os.Args) > 1 {
		fmt.Fprintf(os.Stderr, "quayside-engine: unknown arguments %q (usage: engine [--handoff PID])\n", os.Args[1:])
		os.Exit(2)
	}
	in := bufio.NewReaderSize(calls, 1<<16)
	out := bufio.NewWriterSize(answers, 1<<16)
	if err := serve(in, out); err != nil && err != io.EOF {
		fmt.Fprintln(os.Stderr, "quayside-engine:", err)
		os.Exit(2)
	}
}

func serve(in *bufio.Reader, out *bufio.Writer) error {
	for {
		op, err := readFrame(in)
		if err != nil {
			return err
		}
		var text string
		var parsed []byte
		switch string(op) {
		case "render":
			args, err := readFrames(in, 3)
			if err != nil {
				return err
			}
			res := handleRequest(args[0], args[1], args[2])
			text, parsed = encodeResponse(res), res.StoredParse
		case "yaml":
			args, err := readFrames(in, 2)
			if err != nil {
				return err
			}
			text = readYAML(string(args[0]), string(args[1])).encode()
		case "verify":
			args, err := readFrames(in, 1)
			if err != nil {
				return err
			}
			text = verifyServerCertificate(args[0])
		default:
			return fmt.Errorf("unknown operation %q", op)
		}
		if err := writeFrame(out, []byte(text)); err != nil {
			return err
		}
		if err := writeFrame(out, parsed); err != nil {
			return err
		}
		if err := out.Flush(); err != nil {
			return err
		}
	}
}

func readFrames(in *bufio.Reader, n int) ([][]byte, error) {
	frames := make([][]byte, n)
	for i := range frames {
		f, err := readFrame(in)
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			return nil, err
		}
		frames[i] = f
	}
	return frames, nil
}

func readFrame(in *bufio.Reader) ([]byte, error) {
	var head [4]byte
	if _, err := io.ReadFull(in, head[:]); err != nil {
		return nil, err
	}
	body := make([]byte, binary.BigEndian.Uint32(head[:]))
	if _, err := io.ReadFull(in, body); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return body, nil
}

func writeFrame(out *bufio.Writer, body []byte) error {
	var head [4]byte
	binary.BigEndian.PutUint32(head[:], uint32(len(body)))
	if _, err := out.Write(head[:]); err != nil {
		return err
	}
	_, err := out.Write(body)
	return err
}
