import { benchKvconfig } from './kvconfig.js';
import { benchPlatform } from './platform.js';
import { benchFleet } from './fleet.js';
import { benchKube } from './kube.js';
import { benchHelm } from './helm.js';
import { benchAppStore } from './appstore.js';

/**
 * `npm run bench [-- <suite>…]`: runs benchmark suites against the local cloud and prints figures
 * (recorded in docs/benchmarks.md). Not part of `npm test`.
 */
const SUITES: Record<string, () => Promise<string[]>> = {
  platform: benchPlatform,
  kvconfig: benchKvconfig,
  fleet: benchFleet,
  kube: benchKube,
  helm: benchHelm,
  appstore: benchAppStore,
};

const chosen = process.argv.slice(2).filter((arg) => arg in SUITES);
for (const name of chosen.length > 0 ? chosen : Object.keys(SUITES)) {
  console.log(`## ${name}`);
  for (const line of await SUITES[name]!()) console.log(`- ${line}`);
}
process.exit(0);
