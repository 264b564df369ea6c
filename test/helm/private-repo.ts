import { createServer } from 'node:http';
import type { LocalChartRepository } from '../../local/chart-repository.js';

/**
 * A private Helm HTTP repository for tests: the given files under `/charts/` behind HTTP basic
 * auth, on a free loopback port; `open` answers other paths with fixed text and no auth (broken
 * repositories), and any other path is 404.
 */
export type PrivateRepo = { origin: string; url: string; username: string; password: string; requests: string[]; stop: () => Promise<void> };

export async function startPrivateRepo(
  files: LocalChartRepository['files'],
  username: string,
  password: string,
  open: Record<string, string> = {},
): Promise<PrivateRepo> {
  const expected = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const fixed = open[req.url ?? ''];
    if (fixed !== undefined) return res.end(fixed);
    if (!(req.url ?? '').startsWith('/charts/')) {
      res.writeHead(404);
      return res.end('not found');
    }
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="charts"' });
      return res.end('unauthorized');
    }
    const name = (req.url ?? '').replace(/^\/charts\//, '');
    const file = name === 'index.yaml' ? Buffer.from(indexFor(files, url)) : files.get(name);
    if (!file) {
      res.writeHead(404);
      return res.end('not found');
    }
    res.writeHead(200, { 'content-type': name.endsWith('.yaml') ? 'application/x-yaml' : 'application/gzip' });
    res.end(file);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const url = `${origin}/charts`;
  return {
    origin,
    url,
    username,
    password,
    requests,
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** The local repository's index with its chart URLs moved onto this server. */
function indexFor(files: LocalChartRepository['files'], url: string): string {
  const index = files.get('index.yaml')?.toString('utf8') ?? '';
  return index.replace(/- http:\/\/[^\s]+\/local\/charts\//g, `- ${url}/`);
}
