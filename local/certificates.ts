import { generate } from 'selfsigned';

/** A PEM key pair: a private key and its certificate. */
export type Pem = { key: string; cert: string };
export type KeyOptions = { keyType?: 'rsa' | 'ec'; notAfterDate?: Date };

const keyOptions = ({ keyType = 'ec', notAfterDate }: KeyOptions) => ({
  algorithm: 'sha256' as const,
  ...(keyType === 'rsa' ? { keySize: 2048 } : { keyType: 'ec' as const }),
  ...(notAfterDate ? { notAfterDate } : {}),
});

/** A certificate authority of our own (pure JS, nothing to install): the simulator's cluster CA, the tests' package CA. */
export async function createCa(commonName: string, options: KeyOptions = {}): Promise<Pem> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    ...keyOptions(options),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/** A server certificate signed by `ca`, valid for 127.0.0.1, ::1 and the given DNS names. */
export async function createServerCertificate(ca: Pem, commonName: string, dnsNames: string[], options: KeyOptions = {}): Promise<Pem> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    ...keyOptions(options),
    ca,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...dnsNames.map((value) => ({ type: 2 as const, value })), { type: 7 as const, ip: '127.0.0.1' }, { type: 7 as const, ip: '::1' }],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
