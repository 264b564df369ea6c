import { startAgent } from './agent.js';
import { AgentOptionsError } from './errors.js';
import { USAGE, parseAgentOptions } from './options.js';

/**
 * `npm run agent -- --api … --token … --service … --instance … --dir …`: the deploy agent on one
 * service instance. SIGINT/SIGTERM stop it gracefully; a second signal exits at once.
 */
async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let agent;
  try {
    agent = await startAgent(await parseAgentOptions(process.argv.slice(2), process.env));
  } catch (error) {
    if (!(error instanceof AgentOptionsError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(130);
    signalled = true;
    agent.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`stop failed after ${signal}: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

await main();
