export { parseQuantity, podRequest, requestOf } from '../../../functions/shared/quantity.js';

/** CPU as Kubernetes writes usage: whole millicores (`250m`), or nanocores below one millicore. */
export function formatCpu(cores: number): string {
  const milli = Math.round(cores * 1000);
  return milli > 0 ? `${milli}m` : `${Math.round(cores * 1e9)}n`;
}

/** Memory as Kubernetes writes usage: `Ki` (metrics-server's unit). */
export function formatMemory(bytes: number): string {
  return `${Math.round(bytes / 1024)}Ki`;
}
