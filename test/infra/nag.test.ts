import { describe, expect, it } from 'vitest';
import { createControlPlane } from '../../infra/control-plane.js';
import { SKIP_BUNDLING, unacknowledgedFindings } from './support.js';

describe('the whole app under cdk-nag AwsSolutions', () => {
  it('has no unacknowledged error or warning', () => {
    // Built exactly as infra/app.ts builds it, the nag plugin registered on the app.
    const { app } = createControlPlane({ context: SKIP_BUNDLING });
    expect(unacknowledgedFindings(app)).toEqual([]);
    // Synthesizing and checking the whole app (four nested stacks) takes ~25 s alone and
    // well past the default minute on two shared cores.
  }, 180_000);
});
