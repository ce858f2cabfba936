{{- define "ghost.labels" -}}
app.kubernetes.io/name: ghost
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
