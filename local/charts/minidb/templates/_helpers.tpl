{{/* The objects' name: the release name, or <release>-minidb when the release name does not contain the chart's. */}}
{{- define "minidb.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Selector labels: never change between versions (a StatefulSet's selector is immutable). */}}
{{- define "minidb.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "minidb.labels" -}}
{{ include "minidb.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/component: database
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The root password: the value, else the one stored at install, else a new random one. */}}
{{- define "minidb.rootPassword" -}}
{{- if .Values.rootPassword -}}
{{- .Values.rootPassword -}}
{{- else -}}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "minidb.fullname" .) -}}
{{- if and $existing $existing.data (index $existing.data "root-password") -}}
{{- index $existing.data "root-password" | b64dec -}}
{{- else -}}
{{- randAlphaNum 24 -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "minidb.serviceType" -}}
{{- if and .Values.service.nodePort (eq .Values.service.type "ClusterIP") -}}
NodePort
{{- else -}}
{{- .Values.service.type -}}
{{- end -}}
{{- end -}}
