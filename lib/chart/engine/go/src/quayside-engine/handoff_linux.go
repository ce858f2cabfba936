//go:build linux && !(js && wasm)

// The engine started by the CLI's launcher (bin/quayside) before Node starts, for a command that will
// need it: `engine --handoff PID`, where PID is the launcher's own process, which then becomes Node
// (exec keeps the process id). Node takes the engine over instead of starting one: forking a process
// from Node costs its main thread ~10 ms and its heap copy-on-write faults afterwards.
//
// The engine makes three pipes, its calls, its answers and its standard error, and keeps the CLI's
// ends open at handoffFd, handoffFd+1 and handoffFd+2, where the CLI opens them through
// /proc/ENGINE/fd/ (bin/launch.js's adoptEngineProcess; /proc lets only the same user, as ptrace
// would, open another process's descriptors). Once the first call arrives the CLI holds its own ends,
// and the engine closes its copies, so that the CLI closing its end of the calls ends the engine as
// standard input's end does. It also dies with the process that started it (PR_SET_PDEATHSIG), for
// a command that never took it over.
package main

import (
	"fmt"
	"io"
	"os"
	"syscall"
)

// The CLI's ends: the write end of the calls' pipe, then the read ends of the answers' and of
// standard error's. Far above the descriptors the Go runtime opens for itself.
const handoffFd = 100

// handoffStreams prepares the pipes and returns the engine's own ends: calls to read (closing the
// CLI's copies on its first read) and answers to write. Standard error goes to the third pipe.
func handoffStreams(parent int) (io.Reader, io.Writer, error) {
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL), 0); errno != 0 {
		return nil, nil, fmt.Errorf("prctl(PR_SET_PDEATHSIG): %v", errno)
	}
	// The launcher may already be gone (then this process's parent is another one): nobody will call.
	if os.Getppid() != parent {
		os.Exit(0)
	}
	var calls, answers, stderr [2]int
	for _, p := range []*[2]int{&calls, &answers, &stderr} {
		if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC); err != nil {
			return nil, nil, fmt.Errorf("pipe2: %v", err)
		}
	}
	if err := syscall.Dup3(stderr[1], 2, 0); err != nil {
		return nil, nil, fmt.Errorf("dup3: %v", err)
	}
	// In this order: the CLI takes the last one as the sign that all three are there.
	for i, fd := range []int{calls[1], answers[0], stderr[0]} {
		if err := syscall.Dup3(fd, handoffFd+i, syscall.O_CLOEXEC); err != nil {
			return nil, nil, fmt.Errorf("dup3: %v", err)
		}
		syscall.Close(fd)
	}
	syscall.Close(stderr[1])
	in := &closeOnFirstRead{r: os.NewFile(uintptr(calls[0]), "calls"), close: func() {
		for i := 0; i < 3; i++ {
			syscall.Close(handoffFd + i)
		}
	}}
	return in, os.NewFile(uintptr(answers[1]), "answers"), nil
}

// closeOnFirstRead runs close once the first bytes have been read.
type closeOnFirstRead struct {
	r     io.Reader
	close func()
}

func (c *closeOnFirstRead) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 && c.close != nil {
		c.close()
		c.close = nil
	}
	return n, err
}
