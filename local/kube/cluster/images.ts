/**
 * The simulator's failure conventions, decided by what a chart contains (documented in
 * docs/kubernetes-simulator.md; the Helm API's and the app store's tests rely on them):
 * - a registry host ending in `.invalid` cannot be pulled: ErrImagePull, then ImagePullBackOff;
 * - the tag `crashloop` exits 1 at every start: CrashLoopBackOff with a growing restartCount;
 * - the tag `notready` runs but never passes readiness;
 * every other image pulls, starts and becomes ready.
 */
export type ImageBehaviour = 'unpullable' | 'crashloop' | 'notready' | 'healthy';

/** The registry host of an image reference (`docker.io` when the first segment is not a host). */
export function registryHost(image: string): string {
  const first = image.split('/')[0] ?? '';
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}

export function imageBehaviour(image: string): ImageBehaviour {
  if (registryHost(image).split(':')[0]!.endsWith('.invalid')) return 'unpullable';
  const last = image.split('@')[0]!.split('/').pop() ?? '';
  const tag = last.includes(':') ? last.slice(last.lastIndexOf(':') + 1) : 'latest';
  if (tag === 'crashloop') return 'crashloop';
  if (tag === 'notready') return 'notready';
  return 'healthy';
}

/** The fully qualified reference a runtime reports (`docker.io/library/nginx:1.27`). */
export function qualifiedImage(image: string): string {
  const host = registryHost(image);
  if (image.startsWith(`${host}/`)) return image;
  return `docker.io/${image.includes('/') ? image : `library/${image}`}`;
}

/** The message a containerd-based kubelet reports for an image whose registry cannot be resolved. */
export function pullErrorMessage(image: string): string {
  const host = registryHost(image).split(':')[0]!;
  const reference = qualifiedImage(image);
  return `failed to pull and unpack image "${reference}": failed to resolve reference "${reference}": failed to do request: Head "https://${host}/v2/": dial tcp: lookup ${host}: no such host`;
}
