import type { KubeRest } from '../rest.js';
import type { ResourceType } from '../resources.js';
import type { KubeObject, ObjectKey, StoreEvent } from '../store.js';
import { KubeApiError } from '../errors.js';
import type { ClusterSettings } from './settings.js';

/** What a controller reconciles: one object, by type and name (the object may be gone by then). */
export type Target = ObjectKey;

/** What `reconcile` may answer: come back after this many (real) milliseconds. */
export type Requeue = { afterMs: number } | undefined | void;

/**
 * A controller in the Kubernetes sense: it is told which objects changed, and reconciles each one
 * towards its spec by writing through the REST layer (so every write is validated, versioned and
 * watched like a client's). `targetsOf` maps a store event to what must be reconciled (the pod
 * itself, its owner, the services selecting it…).
 */
export interface Controller {
  readonly name: string;
  targetsOf(event: StoreEvent, host: ControllerHost): Iterable<Target>;
  reconcile(target: Target, host: ControllerHost): Requeue;
  /** Every object this controller should look at after a (re)start, when no event will come. */
  initialTargets?(host: ControllerHost): Iterable<Target>;
}

const targetId = (t: Target): string => `${t.group}/${t.plural}/${t.namespace}/${t.name}`;
const CONFLICT_RETRY_MS = 20;

/**
 * Runs the controllers: store events are turned into targets, queued (one entry per target and
 * controller), and reconciled on a later turn of the event loop, never inside the write that caused
 * them. Timers (`afterMs`) stand for the waits of the real components (an image pull, a backoff),
 * scaled by the settings. A 409 Conflict (someone wrote in between) is retried, as controllers do.
 */
export class ControllerHost {
  private readonly controllers: Controller[] = [];
  private readonly queue = new Map<string, { controller: Controller; target: Target }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private unsubscribe?: () => void;
  private scheduled = false;
  private stopped = false;

  constructor(
    readonly rest: KubeRest,
    readonly settings: ClusterSettings,
  ) {}

  add(...controllers: Controller[]): this {
    this.controllers.push(...controllers);
    return this;
  }

  start(): void {
    this.unsubscribe = this.rest.store.subscribe((event) => {
      for (const controller of this.controllers) for (const target of controller.targetsOf(event, this)) this.enqueue(controller, target);
    });
    for (const controller of this.controllers) for (const target of controller.initialTargets?.(this) ?? []) this.enqueue(controller, target);
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.queue.clear();
  }

  /** The registry's type for a group and plural (built-in types have one served version). */
  type(group: string, plural: string): ResourceType {
    const found = this.rest.registry.all().find((t) => t.group === group && t.plural === plural);
    if (!found) throw new Error(`no served type ${plural}.${group}`);
    return found;
  }

  get(group: string, plural: string, namespace: string, name: string): KubeObject | undefined {
    return this.rest.store.get({ group, plural, namespace, name });
  }

  list(group: string, plural: string, namespace?: string): KubeObject[] {
    return this.rest.store.list(group, plural, namespace);
  }

  /** The objects of a type whose controller owner reference is `owner`. */
  owned(group: string, plural: string, owner: KubeObject): KubeObject[] {
    return this.list(group, plural, owner.metadata.namespace).filter((o) =>
      o.metadata.ownerReferences?.some((r) => r.uid === owner.metadata.uid && r.controller === true),
    );
  }

  /** A real duration (ms) for a simulated one, by the time scale. */
  scaled(ms: number): number {
    return Math.max(1, Math.round(ms * this.settings.timeScale));
  }

  enqueue(controller: Controller, target: Target, afterMs = 0): void {
    if (this.stopped) return;
    const id = `${controller.name}|${targetId(target)}`;
    if (afterMs > 0) {
      clearTimeout(this.timers.get(id));
      const timer = setTimeout(() => {
        this.timers.delete(id);
        this.enqueue(controller, target);
      }, afterMs);
      timer.unref();
      this.timers.set(id, timer);
      return;
    }
    this.queue.set(id, { controller, target });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  private drain(): void {
    this.scheduled = false;
    const batch = [...this.queue.values()];
    this.queue.clear();
    for (const { controller, target } of batch) {
      if (this.stopped) return;
      try {
        const requeue = controller.reconcile(target, this);
        if (requeue) this.enqueue(controller, target, requeue.afterMs);
      } catch (error) {
        if (error instanceof KubeApiError && (error.code === 409 || error.code === 404)) this.enqueue(controller, target, CONFLICT_RETRY_MS);
        else {
          this.settings.log?.(
            `controller ${controller.name} failed on ${targetId(target)}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
          );
          this.enqueue(controller, target, 1000);
        }
      }
    }
  }
}
