{{- define "my-nginx.labels" -}}
app.kubernetes.io/name: my-nginx
app.kubernetes.io/instance: {{ .Release.Name }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}
{{- define "my-nginx.selector" -}}
app.kubernetes.io/name: my-nginx
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
