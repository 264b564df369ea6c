/** The local runtime's own errors: `npm start` turns them into one line instead of a stack trace. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
  readonly port: number;
  constructor(port: number, host: string, options: { cause?: unknown } = {}) {
    super(`port ${port} is in use (on ${host}): set PORT=<a free port>, or stop what listens there`, options);
    this.port = port;
  }
}
