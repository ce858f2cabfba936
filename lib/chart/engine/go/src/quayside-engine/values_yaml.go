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
		documents, err := splitValuesDocuments([]byte(text))
		if err != nil {
			return yamlReply{Error: splitError(err).Error()}
		}
		if data, ok := valuesAsConverted(documents); ok {
			return yamlReply{Value: data}
		}
		values, err := mergeValuesDocuments(documents)
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

// encode writes the reply as JSON. Value is JSON already (json.Marshal's or
// sigs.k8s.io/yaml's): it is written as it is, not scanned again as
// json.Marshal does with a RawMessage.
func (r yamlReply) encode() string {
	if r.Error != "" || r.Value == nil {
		data, err := json.Marshal(r)
		if err != nil {
			return `{"error":"cannot encode the YAML reply"}`
		}
		return string(data)
	}
	return `{"value":` + string(r.Value) + `}`
}

// valuesAsConverted reads a values file of one document, the usual case, from
// the JSON sigs.k8s.io/yaml converts it to, without the decoding into a map,
// merging and encoding again that mergeValuesDocuments does. That JSON holds the
// same values in the same order (json.Marshal sorts map keys): only the text of
// integers beyond 2^53 differs, which decoding in Go (float64) or in
// JavaScript rounds to the same number. It declines (ok false) on anything
// else (several documents, errors, a document that is not a map, nesting the
// decoder refuses), for mergeValuesDocuments to answer as Helm does.
// documents are the file's, as splitValuesDocuments cuts them.
func valuesAsConverted(documents [][]byte) ([]byte, bool) {
	if len(documents) > 1 {
		return nil, false
	}
	if len(documents) == 0 {
		return []byte("{}"), true
	}
	converted, err := yaml.YAMLToJSON(documents[0])
	if err != nil {
		return nil, false
	}
	if string(converted) == "null" {
		return []byte("{}"), true // a document of comments: no values
	}
	if len(converted) == 0 || converted[0] != '{' || jsonDepth(converted) > maxJSONDepth {
		return nil, false
	}
	return converted, true
}

// maxJSONDepth is the nesting encoding/json's decoder accepts (Go 1.19's
// maxNestingDepth): deeper, Helm's path fails where the JSON itself is fine.
const maxJSONDepth = 10000

// jsonDepth is the deepest nesting of objects and arrays in valid JSON.
func jsonDepth(data []byte) int {
	depth, deepest := 0, 0
	inString := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if inString {
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
			if depth > deepest {
				deepest = depth
			}
		case '}', ']':
			depth--
		}
	}
	return deepest
}

// splitError is Helm's wording for a file splitValuesDocuments refuses.
func splitError(err error) error {
	return fmt.Errorf("error reading yaml document: %w", err)
}

// mergeValuesDocuments reads each document as a map and merges them in order,
// later documents winning, maps merged deeply.
func mergeValuesDocuments(documents [][]byte) (map[string]interface{}, error) {
	values := map[string]interface{}{}
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
	// The usual file: no line starting with "---", "\n" endings. It is its own
	// document, ended by a newline.
	if !bytes.HasPrefix(data, []byte("---")) && !bytes.Contains(data, []byte("\n---")) && bytes.IndexByte(data, '\r') < 0 {
		if len(data) == 0 {
			return nil, nil
		}
		if data[len(data)-1] != '\n' {
			data = append(data[:len(data):len(data)], '\n')
		}
		return [][]byte{data}, nil
	}
	return splitValuesLines(data)
}

// splitValuesLines is splitValuesDocuments line by line.
func splitValuesLines(data []byte) ([][]byte, error) {
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
