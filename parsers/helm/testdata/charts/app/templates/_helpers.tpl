{{- define "app.fullname" -}}
{{ .Release.Name }}-{{ .Chart.Name }}
{{- end }}

{{- define "app.labels" -}}
{{ include "common.labels" . }}
team: {{ .Values.global.team }}
{{- end }}
