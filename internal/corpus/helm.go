package corpus

import (
	"bytes"
	"fmt"
	"strings"
)

// HelmConfig shapes a Helm corpus.
type HelmConfig struct {
	Charts     int    // charts (default 20)
	Components int    // components per chart, each rendering 7 objects (default 8)
	Seed       uint64 // default 1
	Dir        string // subdirectory of the root (default "charts")
}

// Helm writes charts under root shaped like the popular stateful charts: a
// _helpers.tpl with name/label helpers, values with per-component
// persistence, resources and security contexts, and templates that range
// over the components and use include, toYaml | nindent, with, default and
// quote. Each chart renders a StorageClass plus, per component, a
// StatefulSet with volumeClaimTemplates, a Service, a PVC, a ConfigMap, a
// ServiceAccount, a Role and a RoleBinding.
func Helm(root string, cfg HelmConfig) (Stats, error) {
	if cfg.Charts <= 0 {
		cfg.Charts = 20
	}
	if cfg.Components <= 0 {
		cfg.Components = 8
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if cfg.Dir == "" {
		cfg.Dir = "charts"
	}
	w := &writer{root: root}
	for c := 0; c < cfg.Charts; c++ {
		r := rng(cfg.Seed^0x4e1, c)
		chart := fmt.Sprintf("%s-%02d", apps[c%len(apps)], c)
		dir := cfg.Dir + "/" + chart
		var values bytes.Buffer
		fmt.Fprintf(&values, "# Default values for %s.\nnameOverride: \"\"\nfullnameOverride: \"\"\n\nimage:\n  repository: %s\n  pullPolicy: IfNotPresent\n\n", chart, pick(r, images))
		fmt.Fprintf(&values, "storageClass:\n  create: true\n  provisioner: ebs.csi.aws.com\n  encrypted: %v\n  type: gp3\n  reclaimPolicy: %s\n\n", r.IntN(2) == 0, pick(r, []string{"Delete", "Retain"}))
		values.WriteString("serviceAccount:\n  create: true\n  automount: false\n\nrbac:\n  create: true\n  rules:\n    - apiGroups: [\"\"]\n      resources: [\"configmaps\", \"persistentvolumeclaims\"]\n      verbs: [\"get\", \"list\", \"watch\"]\n")
		if r.IntN(2) == 0 {
			values.WriteString("    - apiGroups: [\"\"]\n      resources: [\"secrets\"]\n      verbs: [\"get\"]\n")
		}
		values.WriteString("\npodSecurityContext:\n  fsGroup: 1001\n\ncontainerSecurityContext:\n  runAsNonRoot: true\n  runAsUser: 1001\n  allowPrivilegeEscalation: false\n  readOnlyRootFilesystem: true\n\ncomponents:\n")
		for i := 0; i < cfg.Components; i++ {
			fmt.Fprintf(&values, "  - name: %s\n    replicas: %d\n    port: %d\n    persistence:\n      enabled: true\n      size: %s\n      accessModes: [\"ReadWriteOnce\"]\n", pick(r, []string{"primary", "replica", "arbiter", "shard", "broker", "ingest", "query", "cache"})+fmt.Sprint(i), 1+r.IntN(3), 5000+i, size(r))
			if r.IntN(3) == 0 {
				values.WriteString("      hostPath: /mnt/data\n")
			}
			fmt.Fprintf(&values, "    resources:\n      requests:\n        cpu: %dm\n        memory: %dMi\n      limits:\n        memory: %dMi\n    config:\n      maxConnections: %d\n      logLevel: info\n", 100+r.IntN(900), 256+r.IntN(1024), 2048, 100+r.IntN(400))
		}
		files := map[string]string{
			"Chart.yaml":                  fmt.Sprintf("apiVersion: v2\nname: %s\ndescription: A generated stateful chart for pvlint benchmarks\ntype: application\nversion: 1.%d.0\nappVersion: \"%d.0\"\n", chart, c, 1+c%9),
			"values.yaml":                 values.String(),
			"templates/_helpers.tpl":      helpersTpl,
			"templates/storageclass.yaml": scTpl,
			"templates/statefulset.yaml":  stsTpl,
			"templates/service.yaml":      svcTpl,
			"templates/pvc.yaml":          pvcTpl,
			"templates/configmap.yaml":    cmTpl,
			"templates/rbac.yaml":         rbacTpl,
			"templates/NOTES.txt":         "{{ include \"CHART.fullname\" . }} installed.\n",
		}
		for _, name := range []string{"Chart.yaml", "values.yaml", "templates/_helpers.tpl", "templates/storageclass.yaml", "templates/statefulset.yaml", "templates/service.yaml", "templates/pvc.yaml", "templates/configmap.yaml", "templates/rbac.yaml", "templates/NOTES.txt"} {
			if err := w.write(dir+"/"+name, []byte(strings.ReplaceAll(files[name], "CHART", chart))); err != nil {
				return w.stats, err
			}
		}
		w.stats.Dirs++
		w.stats.Documents += 1 + 7*cfg.Components
	}
	return w.stats, nil
}

const helpersTpl = `{{/* Expand the name of the chart. */}}
{{- define "CHART.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Create a default fully qualified app name. */}}
{{- define "CHART.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Common labels */}}
{{- define "CHART.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 }}
app.kubernetes.io/name: {{ include "CHART.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels */}}
{{- define "CHART.selectorLabels" -}}
app.kubernetes.io/name: {{ include "CHART.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
`

const scTpl = `{{- if .Values.storageClass.create }}
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: {{ include "CHART.fullname" . }}
  labels:
    {{- include "CHART.labels" . | nindent 4 }}
provisioner: {{ .Values.storageClass.provisioner }}
reclaimPolicy: {{ .Values.storageClass.reclaimPolicy }}
volumeBindingMode: WaitForFirstConsumer
allowVolumeExpansion: true
parameters:
  type: {{ .Values.storageClass.type }}
  {{- if .Values.storageClass.encrypted }}
  encrypted: "true"
  {{- end }}
{{- end }}
`

const stsTpl = `{{- range .Values.components }}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ include "CHART.fullname" $ }}-{{ .name }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "CHART.labels" $ | nindent 4 }}
    app.kubernetes.io/component: {{ .name }}
spec:
  serviceName: {{ include "CHART.fullname" $ }}-{{ .name }}
  replicas: {{ .replicas | default 1 }}
  selector:
    matchLabels:
      {{- include "CHART.selectorLabels" $ | nindent 6 }}
      app.kubernetes.io/component: {{ .name }}
  template:
    metadata:
      labels:
        {{- include "CHART.selectorLabels" $ | nindent 8 }}
        app.kubernetes.io/component: {{ .name }}
      annotations:
        checksum/config: {{ toYaml .config | sha256sum }}
    spec:
      {{- if $.Values.serviceAccount.create }}
      serviceAccountName: {{ include "CHART.fullname" $ }}-{{ .name }}
      {{- end }}
      automountServiceAccountToken: {{ $.Values.serviceAccount.automount }}
      securityContext:
        {{- toYaml $.Values.podSecurityContext | nindent 8 }}
      containers:
        - name: {{ .name }}
          image: {{ $.Values.image.repository }}
          imagePullPolicy: {{ $.Values.image.pullPolicy }}
          ports:
            - name: tcp
              containerPort: {{ .port }}
          securityContext:
            {{- toYaml $.Values.containerSecurityContext | nindent 12 }}
          resources:
            {{- toYaml .resources | nindent 12 }}
          volumeMounts:
            - name: data
              mountPath: /data
            - name: config
              mountPath: /etc/app
            {{- if .persistence.hostPath }}
            - name: host
              mountPath: /host
            {{- end }}
      volumes:
        - name: config
          configMap:
            name: {{ include "CHART.fullname" $ }}-{{ .name }}
        {{- with .persistence.hostPath }}
        - name: host
          hostPath:
            path: {{ . }}
        {{- end }}
  {{- if .persistence.enabled }}
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes:
          {{- toYaml .persistence.accessModes | nindent 10 }}
        {{- if $.Values.storageClass.create }}
        storageClassName: {{ include "CHART.fullname" $ }}
        {{- end }}
        resources:
          requests:
            storage: {{ .persistence.size | quote }}
  {{- end }}
{{- end }}
`

const svcTpl = `{{- range .Values.components }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ include "CHART.fullname" $ }}-{{ .name }}
  labels:
    {{- include "CHART.labels" $ | nindent 4 }}
spec:
  clusterIP: None
  ports:
    - name: tcp
      port: {{ .port }}
      targetPort: tcp
  selector:
    {{- include "CHART.selectorLabels" $ | nindent 4 }}
    app.kubernetes.io/component: {{ .name }}
{{- end }}
`

const pvcTpl = `{{- range .Values.components }}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: {{ include "CHART.fullname" $ }}-{{ .name }}-backup
  labels:
    {{- include "CHART.labels" $ | nindent 4 }}
spec:
  accessModes:
    - ReadWriteOnce
  {{- if $.Values.storageClass.create }}
  storageClassName: {{ include "CHART.fullname" $ }}
  {{- end }}
  resources:
    requests:
      storage: {{ .persistence.size | quote }}
{{- end }}
`

const cmTpl = `{{- range .Values.components }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "CHART.fullname" $ }}-{{ .name }}
  labels:
    {{- include "CHART.labels" $ | nindent 4 }}
data:
  config.yaml: |
    {{- toYaml .config | nindent 4 }}
  LOG_LEVEL: {{ .config.logLevel | default "info" | quote }}
{{- end }}
`

const rbacTpl = `{{- if .Values.rbac.create }}
{{- range .Values.components }}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "CHART.fullname" $ }}-{{ .name }}
  labels:
    {{- include "CHART.labels" $ | nindent 4 }}
automountServiceAccountToken: {{ $.Values.serviceAccount.automount }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {{ include "CHART.fullname" $ }}-{{ .name }}
  labels:
    {{- include "CHART.labels" $ | nindent 4 }}
rules:
  {{- toYaml $.Values.rbac.rules | nindent 2 }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {{ include "CHART.fullname" $ }}-{{ .name }}
  labels:
    {{- include "CHART.labels" $ | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {{ include "CHART.fullname" $ }}-{{ .name }}
subjects:
  - kind: ServiceAccount
    name: {{ include "CHART.fullname" $ }}-{{ .name }}
    namespace: {{ $.Release.Namespace }}
{{- end }}
{{- end }}
`
