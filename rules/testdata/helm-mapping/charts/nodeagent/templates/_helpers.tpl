{{- define "nodeagent.name" -}}
{{ .Release.Name }}-nodeagent
{{- end }}

{{- define "nodeagent.daemonset" }}
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: {{ include "nodeagent.name" . }}
spec:
  selector:
    matchLabels:
      app: nodeagent
  template:
    metadata:
      labels:
        app: nodeagent
    spec:
      containers:
        - name: agent
          image: nodeagent:2.1.0
          securityContext:
            privileged: {{ .Values.privileged }} # want: PVL203@critical
          volumeMounts:
            - name: host
              mountPath: /host
              readOnly: true # want: PVL202
      volumes:
        - name: host
          hostPath:
            path: {{ .Values.hostRoot }} # want: PVL201@critical
{{- end }}

{{- define "nodeagent.cache" }}
{{- include "nodeagent.cacheVolume" . }}
{{- end }}

{{- define "nodeagent.cacheVolume" }}
# pvlint:ignore PVL106 bound by the agent's own claim at install time
apiVersion: v1
kind: PersistentVolume
metadata:
  name: {{ include "nodeagent.name" . }}-cache
spec:
  capacity:
    storage: 5Gi
  accessModes: ["ReadWriteOnce"]
  hostPath: # want: PVL104
    path: /var/cache/nodeagent
{{- end }}

{{- /* Rules kept in helpers: findings point at the rule written here. */}}
{{- define "nodeagent.readRules" }}
- apiGroups: [""]
  resources: ["nodes", "pods"]
  verbs: ["get", "list", "watch"]
- apiGroups: [""]
  resources: ["secrets"] # want: PVL303
  verbs: ["get"]
{{- end }}

{{- define "nodeagent.volumeRules" }}
- apiGroups: ["storage.k8s.io"]
  resources: ["volumeattachments"]
  verbs: ["get", "list", "delete"] # want: PVL302
{{- end }}

{{- /* Map keys included under a key of a template (collector.yaml). */}}
{{- define "nodeagent.hostAccess" -}}
privileged: true # want: PVL203@critical
{{- end }}

{{- define "nodeagent.logVolume" -}}
hostPath:
  path: /var/log # want: PVL201
{{- end }}
