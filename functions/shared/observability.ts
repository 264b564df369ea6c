import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { config } from './config.js';

/** Powertools clients, created once per container. Locally they write to stdout (metrics off). */
export const logger = new Logger({ serviceName: 'control-plane', logLevel: config.logLevel as 'INFO' });
/**
 * Metrics' own messages go through our logger, without its "no application metrics" warning: that
 * one only fires where several invocations share this singleton (the local runtime serves requests
 * concurrently in one process; a Lambda container serves one at a time), so it says nothing useful.
 */
const metricsLogger = {
  trace: (message: string) => logger.debug(message),
  debug: (message: string) => logger.debug(message),
  info: (message: string) => logger.info(message),
  warn: (message: string) => (String(message).startsWith('No application metrics') ? undefined : logger.warn(message)),
  error: (message: string) => logger.error(message),
};
export const metrics = new Metrics({ namespace: 'ControlPlane', serviceName: 'control-plane', logger: metricsLogger });
export const tracer = new Tracer({ serviceName: 'control-plane' });
