package main

import (
	"encoding/base64"
	"path"
	"strings"
)

// Metadata mirrors the fields of Helm's Chart.yaml model that templates read
// through .Chart; field names match Helm so .Chart.AppVersion etc. resolve.
type Metadata struct {
	Name         string            `json:"name,omitempty"`
	Home         string            `json:"home,omitempty"`
	Sources      []string          `json:"sources,omitempty"`
	Version      string            `json:"version,omitempty"`
	Description  string            `json:"description,omitempty"`
	Keywords     []string          `json:"keywords,omitempty"`
	Maintainers  []*Maintainer     `json:"maintainers,omitempty"`
	Icon         string            `json:"icon,omitempty"`
	APIVersion   string            `json:"apiVersion,omitempty"`
	Condition    string            `json:"condition,omitempty"`
	Tags         string            `json:"tags,omitempty"`
	AppVersion   string            `json:"appVersion,omitempty"`
	Deprecated   bool              `json:"deprecated,omitempty"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	KubeVersion  string            `json:"kubeVersion,omitempty"`
	Dependencies []*Dependency     `json:"dependencies,omitempty"`
	Type         string            `json:"type,omitempty"`
}

// Maintainer is one entry of Chart.yaml's maintainers.
type Maintainer struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	URL   string `json:"url,omitempty"`
}

// Dependency is one entry of Chart.yaml's dependencies after processing.
type Dependency struct {
	Name         string        `json:"name"`
	Version      string        `json:"version,omitempty"`
	Repository   string        `json:"repository"`
	Condition    string        `json:"condition,omitempty"`
	Tags         []string      `json:"tags,omitempty"`
	Enabled      bool          `json:"enabled,omitempty"`
	ImportValues []interface{} `json:"import-values,omitempty"`
	Alias        string        `json:"alias,omitempty"`
}

// chartObject is what .Chart holds: the metadata plus IsRoot, as in Helm.
type chartObject struct {
	Metadata
	IsRoot bool
}

// Capabilities is .Capabilities.
type Capabilities struct {
	KubeVersion KubeVersion
	APIVersions VersionSet
	HelmVersion BuildInfo
}

// KubeVersion is .Capabilities.KubeVersion. As in Helm 4, Version is the
// version as given (v1.29.3-eks-adc7111) and printing it gives the numeric
// part alone (v1.29.3), which is also what kubeVersion constraints check.
type KubeVersion struct {
	Version    string
	normalized string
	Major      string
	Minor      string
}

// String lets templates print the version directly.
func (kv *KubeVersion) String() string {
	if kv.normalized != "" {
		return kv.normalized
	}
	return kv.Version
}

// GitVersion is kept because older charts still call it.
func (kv *KubeVersion) GitVersion() string { return kv.Version }

// VersionSet is .Capabilities.APIVersions.
type VersionSet []string

// Has reports whether the API version (or version/Kind) is available.
func (v VersionSet) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

// BuildInfo is .Capabilities.HelmVersion.
type BuildInfo struct {
	Version      string `json:"version,omitempty"`
	GitCommit    string `json:"git_commit,omitempty"`
	GitTreeState string `json:"git_tree_state,omitempty"`
	GoVersion    string `json:"go_version,omitempty"`
	// KubeClientVersion has no omitempty in Helm 4 either.
	KubeClientVersion string `json:"kube_client_version"`
}

// files is .Files: the chart's non-template files by path.
type files map[string][]byte

// GetBytes returns a file's bytes, or none when it is absent.
func (f files) GetBytes(name string) []byte {
	if v, ok := f[name]; ok {
		return v
	}
	return []byte{}
}

// Get returns a file's content as a string.
func (f files) Get(name string) string { return string(f.GetBytes(name)) }

// Glob returns the files whose path matches a gobwas glob ('/' separated).
func (f files) Glob(pattern string) files {
	g, err := compileGlob(pattern)
	if err != nil {
		// Like Helm, a pattern that does not compile matches everything.
		g, _ = compileGlob("**")
	}
	nf := files{}
	for name, contents := range f {
		if g.MatchString(name) {
			nf[name] = contents
		}
	}
	return nf
}

// AsConfig renders the files as ConfigMap data keyed by base name.
func (f files) AsConfig() string {
	if f == nil {
		return ""
	}
	m := make(map[string]string, len(f))
	for k, v := range f {
		m[path.Base(k)] = string(v)
	}
	return toYAML(m)
}

// AsSecrets renders the files as Secret data, base64 encoded.
func (f files) AsSecrets() string {
	if f == nil {
		return ""
	}
	m := make(map[string]string, len(f))
	for k, v := range f {
		m[path.Base(k)] = base64.StdEncoding.EncodeToString(v)
	}
	return toYAML(m)
}

// Lines splits a file into lines, ignoring one trailing newline.
func (f files) Lines(p string) []string {
	if f == nil || len(f[p]) == 0 {
		return []string{}
	}
	s := string(f[p])
	if s[len(s)-1] == '\n' {
		s = s[:len(s)-1]
	}
	return strings.Split(s, "\n")
}
