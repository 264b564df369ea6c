import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { config } from './config.js';

/** Powertools clients, created once per container. Locally they write to stdout (metrics off). */
export const logger = new Logger({ serviceName: 'control-plane', logLevel: config.logLevel as 'INFO' });
// Metrics' own warnings go through our logger (and its level), not straight to the console.
export const metrics = new Metrics({ namespace: 'ControlPlane', serviceName: 'control-plane', logger });
export const tracer = new Tracer({ serviceName: 'control-plane' });
