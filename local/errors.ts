/** The local runtime's own errors: `npm start` turns them into one line instead of a stack trace. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
  readonly port: number;
  /** `variable` names the setting that chooses this port (`PORT`, `KUBE_PORT`). */
  constructor(port: number, host: string, options: { cause?: unknown; variable?: string } = {}) {
    super(`port ${port} is in use (on ${host}): set ${options.variable ?? 'PORT'}=<a free port>, or stop what listens there`, { cause: options.cause });
    this.port = port;
  }
}
