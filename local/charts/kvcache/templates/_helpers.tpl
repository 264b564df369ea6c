{{/* The objects' name: fullnameOverride, else the release name, or <release>-kvcache when the release name does not contain the chart's. */}}
{{- define "kvcache.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Selector labels: never change between versions (a Deployment's selector is immutable). */}}
{{- define "kvcache.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "kvcache.labels" -}}
{{ include "kvcache.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The password: the value, else the one stored at install, else a new random one. */}}
{{- define "kvcache.password" -}}
{{- if .Values.password -}}
{{- .Values.password -}}
{{- else -}}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "kvcache.fullname" .) -}}
{{- if and $existing $existing.data (index $existing.data "password") -}}
{{- index $existing.data "password" | b64dec -}}
{{- else -}}
{{- randAlphaNum 24 -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The Service type: ClusterIP becomes NodePort when a node port is asked for. */}}
{{- define "kvcache.serviceType" -}}
{{- if and .Values.service.nodePort (eq .Values.service.type "ClusterIP") -}}
NodePort
{{- else -}}
{{- .Values.service.type -}}
{{- end -}}
{{- end -}}
