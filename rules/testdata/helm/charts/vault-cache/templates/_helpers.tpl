{{- define "vault-cache.name" -}}
{{ .Release.Name }}-vault-cache
{{- end -}}
