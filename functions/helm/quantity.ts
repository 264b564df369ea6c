/**
 * Quantities as the monitoring routes write them (helm-proxy.md's form): CPU in millicores
 * (`"100m"`), memory in mebibytes (`"128Mi"`). Parsing is `#shared/quantity.js`.
 */
const MI = 2 ** 20;

/** Cores as millicores text: `0.1` → `"100m"`. */
export function formatCpu(cores: number): string {
  return `${Math.round(cores * 1000)}m`;
}

/** Bytes as mebibytes text (`"128Mi"`); below one mebibyte in kibibytes (`"512Ki"`). */
export function formatMemory(bytes: number): string {
  return bytes >= MI || bytes === 0 ? `${Math.round(bytes / MI)}Mi` : `${Math.round(bytes / 1024)}Ki`;
}
