package main

import (
	"fmt"
	"path"
	"strings"

	yamlv2 "gopkg.in/yaml.v2"
	"sigs.k8s.io/yaml"
)

// manifestDocument is one YAML document of a rendered file and the fields of
// its head that sorting and hook detection need.
type manifestDocument struct {
	Content     string            `json:"content"`
	APIVersion  string            `json:"apiVersion,omitempty"`
	Kind        string            `json:"kind,omitempty"`
	Name        string            `json:"name,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
	HasMetadata bool              `json:"hasMetadata,omitempty"`
}

type simpleHead struct {
	Version  string `json:"apiVersion"`
	Kind     string `json:"kind,omitempty"`
	Metadata *struct {
		Name        string            `json:"name"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata,omitempty"`
}

// isManifestFile tells which rendered files hold manifests: not partials,
// not NOTES.txt, not blank.
func isManifestFile(name, content string) bool {
	if strings.HasPrefix(path.Base(name), "_") || strings.HasSuffix(name, "NOTES.txt") {
		return false
	}
	return strings.TrimSpace(content) != ""
}

func splitAndParse(name, content string) ([]manifestDocument, string) {
	docs := []manifestDocument{}
	for _, d := range splitManifests(strings.TrimSpace(content)) {
		if d == "" {
			continue
		}
		d = strings.TrimSpace(d)
		doc, ok := readFastHead(d)
		if ok && shortcutCheck.enabled {
			verifyHead(d, doc)
		}
		if !ok {
			var err error
			if doc, err = readHelmHead(d); err != nil {
				return nil, fmt.Sprintf("YAML parse error on %s: %s", name, err)
			}
		}
		doc.Content = d
		docs = append(docs, doc)
	}
	return docs, ""
}

// readHelmHead reads a document's head the way Helm does (yaml.v2 through
// sigs.k8s.io/yaml), taking the shortcut of readPlainHead where it gives the
// same result.
func readHelmHead(d string) (manifestDocument, error) {
	var tree interface{}
	if yamlv2.Unmarshal([]byte(d), &tree) == nil {
		if doc, ok := readPlainHead(tree); ok {
			if shortcutCheck.enabled {
				verifyHead(d, doc)
			}
			return doc, nil
		}
	}
	return helmHead(d)
}

// helmHead reads a document's head exactly as Helm does: sigs.k8s.io/yaml
// into the head struct.
func helmHead(d string) (manifestDocument, error) {
	var head simpleHead
	if err := yaml.Unmarshal([]byte(d), &head); err != nil {
		return manifestDocument{}, err
	}
	doc := manifestDocument{APIVersion: head.Version, Kind: head.Kind}
	if head.Metadata != nil {
		doc.HasMetadata = true
		doc.Name = head.Metadata.Name
		doc.Annotations = head.Metadata.Annotations
	}
	return doc, nil
}
