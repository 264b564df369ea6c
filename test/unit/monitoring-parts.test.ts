import { describe, expect, it } from 'vitest';
import { checkKubeconfig } from '../../functions/helm/kubeconfig-text.js';
import { formatCpu, formatMemory } from '../../functions/helm/quantity.js';
import { parseQuantity, podRequest, quantityOrZero } from '../../functions/shared/quantity.js';

describe('quantities', () => {
  it('reads what pods, nodes and metrics-server write', () => {
    expect(parseQuantity('250m')).toBeCloseTo(0.25);
    expect(parseQuantity('4')).toBe(4);
    expect(parseQuantity('12345678n')).toBeCloseTo(0.012345678);
    expect(parseQuantity('128Mi')).toBe(128 * 2 ** 20);
    expect(parseQuantity('2G')).toBe(2e9);
    expect(parseQuantity('1.5Gi')).toBe(1.5 * 2 ** 30);
    expect(parseQuantity('junk')).toBeNaN();
    expect(quantityOrZero('junk')).toBe(0);
    expect(quantityOrZero(undefined)).toBe(0);
  });

  it("writes CPU in millicores and memory in mebibytes, as helm-proxy.md's example", () => {
    expect(formatCpu(0.1)).toBe('100m');
    expect(formatCpu(2.0004)).toBe('2000m');
    expect(formatMemory(128 * 2 ** 20)).toBe('128Mi');
    expect(formatMemory(512 * 1024)).toBe('512Ki');
    expect(formatMemory(0)).toBe('0Mi');
  });

  it("counts a pod's request as the scheduler does: containers summed, or the largest init container", () => {
    const c = (cpu: string) => ({ resources: { requests: { cpu } } });
    expect(podRequest({ containers: [c('100m'), c('200m')] }, 'cpu')).toBeCloseTo(0.3);
    expect(podRequest({ containers: [c('100m')], initContainers: [c('500m')] }, 'cpu')).toBeCloseTo(0.5);
    expect(podRequest({ containers: [{ resources: { limits: { cpu: '1' } } }] }, 'cpu')).toBe(1);
  });
});

describe('registered kubeconfigs', () => {
  const base = () => ({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: 'https://k8s.example:6443', 'certificate-authority-data': 'Q0E=' } }],
    users: [{ name: 'u', user: { token: 't' } }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'ctx',
  });

  it('accepts a self-contained kubeconfig, in YAML or JSON, and names its server', () => {
    expect(checkKubeconfig(JSON.stringify(base()))).toEqual({ server: 'https://k8s.example:6443', context: 'ctx' });
    const yaml = 'clusters:\n- name: c\n  cluster:\n    server: https://k8s.example\ncontexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n';
    expect(checkKubeconfig(yaml)).toEqual({ server: 'https://k8s.example', context: 'x' });
  });

  const refused: [string, (doc: any) => void, RegExp][] = [
    ['an exec plugin', (d) => (d.users[0].user = { exec: { command: 'aws' } }), /exec/],
    ['an auth-provider plugin', (d) => (d.users[0].user = { 'auth-provider': { name: 'gcp' } }), /auth-provider/],
    ['a token file', (d) => (d.users[0].user = { tokenFile: '/var/run/token' }), /tokenFile/],
    ['a client key file', (d) => (d.users[0].user = { 'client-key': '/k.pem', 'client-certificate': '/c.pem' }), /client-certificate|client-key/],
    ['a CA file', (d) => (d.clusters[0].cluster['certificate-authority'] = '/ca.pem'), /certificate-authority-data/],
    ['an http server', (d) => (d.clusters[0].cluster.server = 'http://k8s.example'), /https/],
    ['a current context that is not there', (d) => (d['current-context'] = 'nope'), /names no context/],
    ['a context naming a missing cluster', (d) => (d.contexts[0].context.cluster = 'gone'), /not in clusters/],
    ['no clusters', (d) => (d.clusters = []), /clusters/],
  ];
  for (const [what, change, message] of refused) {
    it(`refuses ${what}`, () => {
      const doc = base();
      change(doc);
      const result = checkKubeconfig(JSON.stringify(doc));
      expect('problem' in result && result.problem).toMatch(message);
    });
  }

  it('refuses text that is not a kubeconfig, or YAML bombs', () => {
    expect(checkKubeconfig('just text')).toHaveProperty('problem');
    expect(checkKubeconfig('a: [')).toHaveProperty('problem');
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 12 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
      ),
    ].join('\n');
    expect(checkKubeconfig(bomb)).toHaveProperty('problem');
  });
});
