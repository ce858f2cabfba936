package main

import (
	"errors"
	"fmt"
	"quayside-engine/internal/text/template"
	"strings"
)

// Helm 4 prints a template execution error as a trace: for each template in
// the chain of errors (an include inside an include…), its location, what
// was executing there, and the message, indented one step per level:
//
//	repro/templates/cm.yaml:1:17
//	  executing "repro/templates/cm.yaml" at <.Values.hosts>:
//	    range can't iterate over foo
//
// A required/fail message keeps the one-line "execution error at (…): msg"
// form, and anything this reading does not recognise keeps Go's own text.

// traceStep is one level of the trace.
type traceStep struct {
	location string
	action   string
	message  string
}

func (s traceStep) text() string {
	var b strings.Builder
	if s.location != "" {
		b.WriteString(s.location + "\n  ")
	}
	if s.action != "" {
		b.WriteString(s.action + "\n    ")
	}
	if s.message != "" {
		b.WriteString(s.message + "\n")
	}
	return b.String()
}

// execErrorMessage is the message Helm 4 gives for an error executing the
// template file filename.
func execErrorMessage(filename string, err error) string {
	var execErr template.ExecError
	if !errors.As(err, &execErr) {
		return err.Error()
	}
	tokens := strings.SplitN(err.Error(), ": ", 3)
	if len(tokens) != 3 {
		return fmt.Sprintf("execution error in (%s): %s", filename, err)
	}
	if parts := warnRegex.FindStringSubmatch(tokens[2]); len(parts) >= 2 {
		return fmt.Sprintf("execution error at (%s): %s", tokens[1], parts[1])
	}
	var steps []traceStep
	for current := err; current != nil; current = errors.Unwrap(current) {
		step, ok := readTraceStep(current.Error())
		if !ok {
			return err.Error()
		}
		if len(steps) == 0 || steps[len(steps)-1] != step {
			steps = append(steps, step)
		}
	}
	var b strings.Builder
	for _, step := range steps {
		b.WriteString(step.text())
	}
	return strings.TrimSpace(b.String())
}

// readTraceStep reads one text/template error: "template: NAME: executing
// \"FN\" at <NODE>: MSG", "template: NAME: MSG", or "template: no template …".
// Whatever follows MSG as " template:…" is the next error of the chain.
func readTraceStep(text string) (traceStep, bool) {
	const prefix = "template: "
	if !strings.HasPrefix(text, prefix) {
		return traceStep{}, false
	}
	rest := text[len(prefix):]
	if strings.HasPrefix(rest, "no template ") {
		return traceStep{message: text}, true
	}
	if step, ok := readExecutingStep(rest); ok {
		return step, true
	}
	sep := strings.LastIndex(rest, ": ")
	if sep < 0 {
		return traceStep{}, false
	}
	return traceStep{location: rest[:sep], message: beforeNextTemplate(rest[sep+2:])}, true
}

func readExecutingStep(rest string) (traceStep, bool) {
	const executing = ": executing "
	at := strings.Index(rest, executing)
	if at < 0 {
		return traceStep{}, false
	}
	name, after := rest[:at], rest[at+len(executing):]
	if !strings.HasPrefix(after, `"`) {
		return traceStep{}, false
	}
	closing := strings.IndexByte(after[1:], '"')
	if closing < 0 {
		return traceStep{}, false
	}
	function := after[1 : closing+1]
	after = after[closing+2:]
	if !strings.HasPrefix(after, " at <") {
		return traceStep{}, false
	}
	after = after[len(" at <"):]
	end := strings.Index(after, ">: ")
	if end < 0 {
		return traceStep{}, false
	}
	return traceStep{
		location: name,
		action:   `executing "` + function + `" at <` + after[:end] + `>:`,
		message:  beforeNextTemplate(after[end+3:]),
	}, true
}

func beforeNextTemplate(message string) string {
	if cut := strings.Index(message, " template:"); cut >= 0 {
		return message[:cut]
	}
	return message
}
