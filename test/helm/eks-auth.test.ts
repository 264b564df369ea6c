import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as EksAuth from '../../functions/helm/eks-auth.js';

// A stand-in for the EKS API (DescribeCluster is GET /clusters/<name>) and fixed credentials to sign with.
const described: string[] = [];
const eks = createServer((req, res) => {
  described.push(req.url ?? '');
  const name = decodeURIComponent((req.url ?? '').split('/').pop() ?? '');
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ cluster: { name, status: 'ACTIVE', endpoint: `https://${name}.eks.example`, certificateAuthority: { data: 'Q0E=' } } }));
});
let eksAuth: typeof EksAuth;

beforeAll(async () => {
  await new Promise<void>((done) => eks.listen(0, '127.0.0.1', done));
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret-example',
    AWS_ENDPOINT_URL_EKS: `http://127.0.0.1:${(eks.address() as AddressInfo).port}`,
  });
  eksAuth = await import('../../functions/helm/eks-auth.js');
});
afterAll(() => new Promise<void>((done) => eks.close(() => done())));

/** The presigned STS URL inside an EKS bearer token. */
const urlOf = (token: string) => new URL(Buffer.from(token.replace(/^k8s-aws-v1\./, ''), 'base64url').toString());

describe('EKS access', () => {
  it('signs a GetCallerIdentity URL for 900 s that names the cluster in a signed header', async () => {
    const token = await eksAuth.eksToken('eu-west-1', 'prod');
    expect(token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
    const url = urlOf(token);
    expect(url.host).toBe('sts.eu-west-1.amazonaws.com');
    expect(url.searchParams.get('Action')).toBe('GetCallerIdentity');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toContain('x-k8s-aws-id');
  });

  it('describes a cluster once per container and reuses its token until it is ten minutes old', async () => {
    const start = Date.parse('2030-01-01T00:00:00Z');
    const first = await eksAuth.eksAccess('eu-west-1', 'staging', start);
    const again = await eksAuth.eksAccess('eu-west-1', 'staging', start + 9 * 60_000);
    expect(again).toBe(first);
    expect(first.renewAt).toBe(start + eksAuth.TOKEN_RENEW_AFTER_MS);
    expect(first.kubeConfig.getCurrentCluster()).toMatchObject({ server: 'https://staging.eks.example', caData: 'Q0E=' });

    const renewed = await eksAuth.eksAccess('eu-west-1', 'staging', start + 10 * 60_000);
    expect(renewed).not.toBe(first);
    const token = (at: typeof first) => at.kubeConfig.getCurrentUser()?.token ?? '';
    expect(token(renewed)).not.toBe(token(first));
    // The renewed token is signed at renewal, so it still has 15 minutes ahead of it.
    expect(urlOf(token(renewed)).searchParams.get('X-Amz-Date')).toBe('20300101T001000Z');
    expect(described.filter((u) => u.endsWith('/clusters/staging'))).toHaveLength(1);
  });
});
