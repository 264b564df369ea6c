/** Levels in increasing severity; `silent` turns logging off (benchmarks with hundreds of agents). */
export const LogLevels = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LogLevels;

export type LogFields = Record<string, unknown>;

export type Logger = {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
};

/** Where log lines go; stdout by default. */
export type LogSink = (line: string) => void;

/**
 * A logger writing one JSON object per line: `{"time","level","event",...context,...fields}`.
 * `event` is a stable dotted name (`command.completed`) that tests and log queries match on.
 */
export function createLogger(context: LogFields, level: LogLevel = 'info', sink: LogSink = writeStdout): Logger {
  const threshold = LogLevels[level];
  const write = (lineLevel: Exclude<LogLevel, 'silent'>) =>
    function log(event: string, fields: LogFields = {}): void {
      if (LogLevels[lineLevel] < threshold) return;
      sink(JSON.stringify({ time: new Date().toISOString(), level: lineLevel, event, ...context, ...fields }, errorReplacer));
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

function writeStdout(line: string): void {
  process.stdout.write(`${line}\n`);
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value;
}
