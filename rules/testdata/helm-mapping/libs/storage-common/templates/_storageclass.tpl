{{- define "storage-common.storageclass" }}
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: {{ .name }}
provisioner: ebs.csi.aws.com
parameters:
  type: gp3
  encrypted: {{ .encrypted | quote }} # want: PVL101
allowVolumeExpansion: true
{{- end }}
