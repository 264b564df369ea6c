import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Writes a chart for a test: Chart.yaml, values.yaml and the given templates; returns its directory. */
export function writeChart(name: string, values: string, templates: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), `chart-${name}-`));
  mkdirSync(join(dir, 'templates'));
  writeFileSync(join(dir, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 0.1.0\nappVersion: "1.0"\n`);
  writeFileSync(join(dir, 'values.yaml'), values);
  for (const [file, text] of Object.entries(templates)) writeFileSync(join(dir, 'templates', file), text);
  return dir;
}

/** A small web chart: a Deployment (image, replicas and requests from values) and a Service. */
export function webChart(): string {
  return writeChart('web', 'image: nginx:1.27\nreplicas: 2\ncpu: 50m\nmemory: 64Mi\nprogressDeadlineSeconds: 600\n', {
    'deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels: {app: {{ .Release.Name }}}
spec:
  replicas: {{ .Values.replicas }}
  progressDeadlineSeconds: {{ .Values.progressDeadlineSeconds }}
  selector:
    matchLabels: {app: {{ .Release.Name }}}
  template:
    metadata:
      labels: {app: {{ .Release.Name }}}
    spec:
      containers:
      - name: web
        image: {{ .Values.image }}
        ports: [{containerPort: 80, name: http}]
        readinessProbe: {httpGet: {path: /, port: http}}
        resources: {requests: {cpu: {{ .Values.cpu }}, memory: {{ .Values.memory }}}}
`,
    'service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
spec:
  selector: {app: {{ .Release.Name }}}
  ports: [{port: 80, targetPort: http}]
`,
  });
}
