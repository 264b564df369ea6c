import type { ConstructorOptions } from '@aws-lambda-powertools/logger/types';
import type { LogItem } from '@aws-lambda-powertools/logger';
import { Logger, LogLevelThreshold } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import { config } from './config.js';
import type { LogRecord } from './log-buffer.js';
import { levelRank, recordLog } from './log-buffer.js';
import { redactLogValue } from './redact.js';

const printFrom = levelRank(config.logLevel);
const bufferFrom = levelRank(config.logBufferLevel);

/**
 * The Powertools logger, with two additions: every record goes through `redactLogValue` (no
 * password, token, authorization header or kubeconfig in any log), and, where `LOG_BUFFER_LEVEL`
 * asks for it (the local runtime), records from that level up are kept in the in-memory buffer
 * (`log-buffer.ts`) even when `LOG_LEVEL` keeps them off stdout. In AWS the buffer is off and the
 * logger is exactly Powertools'.
 */
class HouseLogger extends Logger {
  protected override printLog(logLevel: number, log: LogItem): void {
    if (logLevel >= bufferFrom && logLevel < LogLevelThreshold.SILENT) {
      log.prepareForPrint();
      recordLog(JSON.parse(JSON.stringify(log.getAttributes(), this.getJsonReplacer())) as LogRecord);
    }
    if (logLevel >= printFrom) super.printLog(logLevel, log);
  }

  protected override createLogger(options?: ConstructorOptions): Logger {
    return new HouseLogger(options);
  }
}

/** Powertools clients, created once per container. Locally they write to stdout (metrics off). */
export const logger: Logger = new HouseLogger({
  serviceName: 'control-plane',
  // The logger must produce what the buffer keeps; printing is then filtered in printLog.
  logLevel: (levelRank(config.logBufferLevel) < printFrom ? config.logBufferLevel : config.logLevel) as 'INFO',
  jsonReplacerFn: redactLogValue,
});
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
/** Powertools metrics, telling whether they are off (`POWERTOOLS_METRICS_DISABLED`, `POWERTOOLS_DEV`) as Powertools decides it. */
class HouseMetrics extends Metrics {
  get off(): boolean {
    return this.isDisabled();
  }
}
export const metrics: HouseMetrics = new HouseMetrics({ namespace: 'ControlPlane', serviceName: 'control-plane', logger: metricsLogger });

/**
 * The Powertools tracer's middy middleware, or none where it could not trace. Powertools traces
 * only in a Lambda execution environment (`AWS_EXECUTION_ENV` set, not SAM or Amplify's mock) and
 * unless `POWERTOOLS_TRACE_ENABLED` is false; outside those its tracer is not even loaded, because
 * loading it loads the X-Ray SDK, whose automatic mode installs an async hook on every promise of
 * the process (cls-hooked): a tenth of a cached `configs` request's CPU locally, for no trace.
 */
export const tracingMiddlewares: MiddlewareObj[] = config.tracingPossible
  ? await (async () => {
      const [{ Tracer }, { captureLambdaHandler }] = await Promise.all([
        import('@aws-lambda-powertools/tracer'),
        import('@aws-lambda-powertools/tracer/middleware'),
      ]);
      return [captureLambdaHandler(new Tracer({ serviceName: 'control-plane' }))];
    })()
  : [];
