{{- /* A Deployment and its Service: (list $root name replicas image port serviceType) */ -}}
{{- define "guestbook.workload" -}}
{{- $root := index . 0 -}}{{- $name := index . 1 -}}{{- $replicas := index . 2 -}}
{{- $image := index . 3 -}}{{- $port := index . 4 -}}{{- $type := index . 5 -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  labels:
    app: {{ $name }}
    release: {{ $root.Release.Name }}
spec:
  replicas: {{ $replicas }}
  selector:
    matchLabels:
      app: {{ $name }}
  template:
    metadata:
      labels:
        app: {{ $name }}
    spec:
      containers:
        - name: {{ $name }}
          image: {{ $image }}
          ports:
            - containerPort: {{ $port }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $name }}
  labels:
    app: {{ $name }}
    release: {{ $root.Release.Name }}
spec:
  type: {{ $type }}
  selector:
    app: {{ $name }}
  ports:
    - port: {{ $port }}
{{- end -}}
