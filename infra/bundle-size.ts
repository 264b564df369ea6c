import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { HOUSE_BUNDLING } from './house-function.js';

/**
 * Prints the size of one handler bundled exactly as HouseFunction bundles it (same esbuild options),
 * and what fills it: `node --import tsx infra/bundle-size.ts [entry]`, entry defaulting to
 * admin/list-users.
 */
const entry = process.argv[2] ?? 'admin/list-users';
const result = await build({
  entryPoints: [fileURLToPath(new URL(`../functions/${entry}.ts`, import.meta.url))],
  bundle: true,
  write: false,
  metafile: true,
  outfile: 'index.mjs',
  platform: 'node',
  format: HOUSE_BUNDLING.format,
  target: HOUSE_BUNDLING.target,
  minify: HOUSE_BUNDLING.minify,
  sourcemap: HOUSE_BUNDLING.sourceMap,
  sourcesContent: HOUSE_BUNDLING.sourcesContent,
  mainFields: [...HOUSE_BUNDLING.mainFields],
  banner: { js: HOUSE_BUNDLING.banner },
  external: [...HOUSE_BUNDLING.externalModules],
  logLevel: 'warning',
});

const code = result.outputFiles.find((f) => f.path.endsWith('index.mjs'));
if (!code) throw new Error(`esbuild produced no index.mjs for ${entry} (got ${result.outputFiles.map((f) => f.path).join(', ')})`);
const packages = new Map<string, number>();
const output = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith('index.mjs'))?.[1];
for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
  const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? 'functions/';
  packages.set(name, (packages.get(name) ?? 0) + bytesInOutput);
}
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
console.log(`${entry}: ${code.contents.byteLength} bytes (${kib(code.contents.byteLength)}) minified, ${kib(gzipSync(code.contents).byteLength)} gzipped`);
for (const [name, bytes] of [...packages.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`  ${kib(bytes).padStart(10)}  ${name}`);
