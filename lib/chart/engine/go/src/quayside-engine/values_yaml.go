package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"
)

// Values files and Chart.yaml are read here with the YAML library Helm uses
// (YAML → JSON through yaml.v2, then JSON decoding), so every scalar means
// what it means to Helm (1:20 stays a string, .inf is refused, yes is true)
// and every syntax error reads as Helm's ("yaml: line 2: did not find
// expected key").

// yamlReply is what the host gets back: the document as JSON, or Helm's error.
type yamlReply struct {
	Value json.RawMessage `json:"value,omitempty"`
	Error string          `json:"error,omitempty"`
}

// readYAML answers one request of the host: mode "values" reads a values
// file as Helm 4 does (several documents allowed, merged in order, each a
// map), mode "document" reads one YAML document of any shape.
func readYAML(mode, text string) yamlReply {
	var value interface{}
	switch mode {
	case "values":
		values, err := readValuesDocuments([]byte(text))
		if err != nil {
			return yamlReply{Error: err.Error()}
		}
		value = values
	case "document":
		if err := yaml.Unmarshal([]byte(text), &value); err != nil {
			return yamlReply{Error: err.Error()}
		}
	default:
		return yamlReply{Error: "unknown YAML mode " + mode}
	}
	data, err := json.Marshal(value)
	if err != nil {
		return yamlReply{Error: err.Error()}
	}
	return yamlReply{Value: data}
}

// readValuesDocuments splits a values file into its documents and merges
// them, later documents winning, maps merged deeply.
func readValuesDocuments(data []byte) (map[string]interface{}, error) {
	values := map[string]interface{}{}
	documents, err := splitValuesDocuments(data)
	if err != nil {
		return nil, fmt.Errorf("error reading yaml document: %w", err)
	}
	for _, document := range documents {
		current := map[string]interface{}{}
		if err := yaml.Unmarshal(document, &current); err != nil {
			return nil, fmt.Errorf("cannot unmarshal yaml document: %w", err)
		}
		values = mergeValueMaps(values, current)
	}
	return values, nil
}

// splitValuesDocuments cuts a file at lines that start with "---", as
// Kubernetes' YAML reader does for Helm: such a line may carry only a
// comment after the dashes, and empty documents are skipped. Lines end in
// "\n" whatever ending they had.
func splitValuesDocuments(data []byte) ([][]byte, error) {
	var documents [][]byte
	var current bytes.Buffer
	scanner := bufio.NewScanner(bytes.NewReader(data))
	scanner.Buffer(make([]byte, 0, 64*1024), len(data)+1)
	for scanner.Scan() {
		line := scanner.Text()
		if strings.HasPrefix(line, "---") {
			rest := strings.TrimSpace(line[3:])
			if rest != "" && rest[0] != '#' {
				return nil, fmt.Errorf("invalid Yaml document separator: %s", rest)
			}
			if current.Len() > 0 {
				documents = append(documents, append([]byte(nil), current.Bytes()...))
				current.Reset()
			}
			continue
		}
		current.WriteString(line)
		current.WriteByte('\n')
	}
	if err := scanner.Err(); err != nil {
		return nil, err
	}
	if current.Len() > 0 {
		documents = append(documents, current.Bytes())
	}
	return documents, nil
}

// mergeValueMaps merges b into a copy of a: maps merge deeply, anything else replaces.
func mergeValueMaps(a, b map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if vm, ok := v.(map[string]interface{}); ok {
			if existing, ok := out[k].(map[string]interface{}); ok {
				out[k] = mergeValueMaps(existing, vm)
				continue
			}
		}
		out[k] = v
	}
	return out
}
