import { createControlPlane } from './control-plane.js';

/** `cdk synth` / `cdk deploy` entry (cdk.json): the control plane with cdk-nag on every stack. */
createControlPlane().app.synth();
