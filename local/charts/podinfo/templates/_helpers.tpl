{{/* The objects' name: the release name, or <release>-podinfo when the release name does not contain the chart's. */}}
{{- define "podinfo.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Selector labels: never change between versions (a Deployment's selector is immutable). */}}
{{- define "podinfo.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "podinfo.labels" -}}
{{ include "podinfo.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The admin password: the value, else the one stored at install, else a new random one. */}}
{{- define "podinfo.adminPassword" -}}
{{- if .Values.adminPassword -}}
{{- .Values.adminPassword -}}
{{- else -}}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "podinfo.fullname" .) -}}
{{- if and $existing $existing.data (index $existing.data "admin-password") -}}
{{- index $existing.data "admin-password" | b64dec -}}
{{- else -}}
{{- randAlphaNum 20 -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The Service type: ClusterIP becomes NodePort when a node port is asked for. */}}
{{- define "podinfo.serviceType" -}}
{{- if and .Values.service.nodePort (eq .Values.service.type "ClusterIP") -}}
NodePort
{{- else -}}
{{- .Values.service.type -}}
{{- end -}}
{{- end -}}
