import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeChart } from './charts.js';
import { startTestCluster, type TestCluster } from './cluster.js';

const hookJob = (suffix: string, hook: string): string => `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-${suffix}
  annotations:
    helm.sh/hook: ${hook}
    helm.sh/hook-delete-policy: before-hook-creation
spec:
  backoffLimit: {{ .Values.hookBackoffLimit }}
  template:
    spec:
      restartPolicy: Never
      containers: [{name: ${suffix}, image: "{{ .Values.hookImage }}"}]
`;

const hooksChart = writeChart('hooks', 'hookImage: busybox:1.36\nhookBackoffLimit: 1\ngreeting: hello\n', {
  'pre-install.yaml': hookJob('pre', 'pre-install'),
  'post-upgrade.yaml': hookJob('post', 'post-upgrade'),
  'config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\ndata:\n  greeting: {{ .Values.greeting | quote }}\n',
});

const storageChart = writeChart('storage', 'image: nginx:1.27\n', {
  'service.yaml': `apiVersion: v1
kind: Service
metadata: {name: {{ .Release.Name }}-db}
spec:
  clusterIP: None
  selector: {app: {{ .Release.Name }}-db}
  ports: [{port: 5432}]
`,
  'statefulset.yaml': `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: {{ .Release.Name }}-db}
spec:
  replicas: 2
  serviceName: {{ .Release.Name }}-db
  selector: {matchLabels: {app: {{ .Release.Name }}-db}}
  template:
    metadata: {labels: {app: {{ .Release.Name }}-db}}
    spec:
      initContainers: [{name: init-perms, image: "busybox:1.36"}]
      containers: [{name: db, image: "{{ .Values.image }}", volumeMounts: [{name: data, mountPath: /var/lib/db}]}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`,
  'daemonset.yaml': `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: {{ .Release.Name }}-agent}
spec:
  selector: {matchLabels: {app: {{ .Release.Name }}-agent}}
  template:
    metadata: {labels: {app: {{ .Release.Name }}-agent}}
    spec:
      containers: [{name: agent, image: "fluentd:1.16"}]
`,
});

type Condition = { type: string; status: string };

// Helm v4's --wait (kstatus) and its hook handling, over the StatefulSet, DaemonSet and Job controllers.
describe('helm charts with hooks, StatefulSets and DaemonSets', () => {
  let cluster: TestCluster;
  const helm = (...args: string[]): Promise<string> => cluster.cli('helm', args);
  const kubectl = (...args: string[]): Promise<string> => cluster.cli('kubectl', args);
  const conditions = async (job: string): Promise<string[]> =>
    ((JSON.parse(await kubectl('get', 'job', job, '-o', 'json')) as { status: { conditions?: Condition[] } }).status.conditions ?? [])
      .filter((c) => c.status === 'True')
      .map((c) => c.type);

  beforeAll(async () => {
    cluster = await startTestCluster();
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it('runs a pre-install hook Job to completion during `helm install --wait`', async () => {
    expect(await helm('install', 'demo', hooksChart, '--wait', '--timeout', '60s')).toContain('STATUS: deployed');
    expect(await conditions('demo-pre')).toEqual(['SuccessCriteriaMet', 'Complete']);
    expect(await kubectl('get', 'cm', 'demo-config', '-o', 'jsonpath={.data.greeting}')).toBe('hello');
    expect(await kubectl('get', 'job', 'demo-post', '--ignore-not-found', '-o', 'name')).toBe('');
  });

  it('runs the post-upgrade hook during `helm upgrade --wait`', async () => {
    expect(await helm('upgrade', 'demo', hooksChart, '--wait', '--timeout', '60s', '--set', 'greeting=bye')).toContain('STATUS: deployed');
    expect(await conditions('demo-post')).toEqual(['SuccessCriteriaMet', 'Complete']);
    const status = JSON.parse(await helm('status', 'demo', '-o', 'json')) as { version: number; info: { status: string } };
    expect([status.version, status.info.status]).toEqual([2, 'deployed']);
  });

  it('fails `helm install` when its pre-install hook Job fails', async () => {
    const install = helm('install', 'broken', hooksChart, '--wait', '--timeout', '60s', '--set', 'hookImage=busybox:crashloop', '--set', 'hookBackoffLimit=0');
    const hookError = 'failed pre-install: resource Job/default/broken-pre not ready. status: Failed, message: Job Failed. failed: 1/1';
    await expect(install).rejects.toThrow(hookError);
    expect(await conditions('broken-pre')).toEqual(['FailureTarget', 'Failed']);
    const status = JSON.parse(await helm('status', 'broken', '-o', 'json')) as { info: { status: string; description: string } };
    expect([status.info.status, status.info.description]).toEqual(['failed', `Release "broken" failed: ${hookError}`]);
  });

  it('installs a StatefulSet with claims and an init container, and a DaemonSet, with --wait', async () => {
    expect(await helm('install', 'store', storageChart, '--wait', '--timeout', '60s')).toContain('STATUS: deployed');
    expect((await kubectl('get', 'pvc', '-o', 'name')).trim().split('\n')).toEqual([
      'persistentvolumeclaim/data-store-db-0',
      'persistentvolumeclaim/data-store-db-1',
    ]);
    expect(await kubectl('get', 'sts', 'store-db', '-o', 'jsonpath={.status.readyReplicas}')).toBe('2');
    expect(await kubectl('get', 'ds', 'store-agent', '-o', 'jsonpath={.status.numberAvailable}')).toBe('3');
    expect(await helm('upgrade', 'store', storageChart, '--wait', '--timeout', '60s', '--set', 'image=nginx:1.28')).toContain('STATUS: deployed');
    expect(await kubectl('get', 'pods', '-l', 'app=store-db', '-o', 'jsonpath={.items[*].spec.containers[0].image}')).toBe('nginx:1.28 nginx:1.28');
  });
});
