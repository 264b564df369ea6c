/**
 * What the simulated containers "printed": the kubelet stand-in appends lines for each container
 * instance (one per restart), and `GET …/pods/{name}/log` reads them. In memory only: like a real
 * node's log files, logs do not outlive the simulator's process.
 */
export class PodLogBook {
  // key: namespace/pod/container → one array of lines per container instance (restart).
  private readonly instances = new Map<string, string[][]>();
  private readonly followers = new Map<string, Set<(line: string) => void>>();

  /** Starts a new container instance (at every start and restart). */
  startInstance(namespace: string, pod: string, container: string): void {
    const key = `${namespace}/${pod}/${container}`;
    const list = this.instances.get(key) ?? [];
    list.push([]);
    this.instances.set(key, list);
  }

  /** Appends one line to the current instance, stamped with the time (`timestamps=true` shows it). */
  append(namespace: string, pod: string, container: string, line: string): void {
    const key = `${namespace}/${pod}/${container}`;
    const list = this.instances.get(key) ?? [[]];
    this.instances.set(key, list);
    const stamped = `${new Date().toISOString()} ${line}`;
    list[list.length - 1]!.push(stamped);
    for (const follower of this.followers.get(key) ?? []) follower(stamped);
  }

  /** The lines of the current instance, or of the one before it (`previous`); undefined when there is none. */
  read(namespace: string, pod: string, container: string, previous = false): string[] | undefined {
    const list = this.instances.get(`${namespace}/${pod}/${container}`);
    if (!list) return undefined;
    return list[list.length - (previous ? 2 : 1)]?.slice();
  }

  /** Calls `listener` for every line appended later (`follow=true`); returns the unsubscribe function. */
  follow(namespace: string, pod: string, container: string, listener: (line: string) => void): () => void {
    const key = `${namespace}/${pod}/${container}`;
    const set = this.followers.get(key) ?? new Set();
    set.add(listener);
    this.followers.set(key, set);
    return () => set.delete(listener);
  }

  /** Forgets a pod's logs (when the pod is deleted). */
  forget(namespace: string, pod: string): void {
    for (const key of [...this.instances.keys()]) if (key.startsWith(`${namespace}/${pod}/`)) this.instances.delete(key);
  }
}
