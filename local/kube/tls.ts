import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCa, createServerCertificate } from '../certificates.js';

/** The simulator's credentials: its CA, the server certificate the CA signed, and the bearer token. */
export type KubeCredentials = { caPem: string; certPem: string; keyPem: string; token: string };

const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

/**
 * Creates a CA and a server certificate for 127.0.0.1/localhost signed by it, as a cluster's own CA
 * does; clients verify the server against the CA in the kubeconfig (no `insecure-skip-tls-verify`).
 * With a directory, the credentials are kept there and reused, so a kubeconfig written before a
 * restart stays valid.
 */
export async function loadOrCreateCredentials(dir: string | undefined): Promise<KubeCredentials> {
  const file = dir && join(dir, 'credentials.json');
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as KubeCredentials;
  const notAfterDate = new Date(Date.now() + TEN_YEARS_MS);
  const ca = await createCa('local-kube-ca', { keyType: 'rsa', notAfterDate });
  const server = await createServerCertificate(ca, 'kube-apiserver', ['localhost', 'kubernetes.default.svc'], { keyType: 'rsa', notAfterDate });
  const credentials = { caPem: ca.cert, certPem: server.cert, keyPem: server.key, token: randomBytes(32).toString('base64url') };
  if (dir && file) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  }
  return credentials;
}
