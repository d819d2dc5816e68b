/**
 * A small client for the rehearsal cluster, over `kubectl` with the run's admin kubeconfig:
 * apply and create objects, read them back, and wait for a condition.
 */

import { waitFor } from './control-plane-support';

type Json = Record<string, unknown>;

/** Runs kubectl with the rehearsal's kubeconfig. */
export type Kubectl = (args: readonly string[], stdin?: string) => { status: number; stdout: string; stderr: string };

/** The outcome of writing one object: accepted, or the API server's answer. */
export type WriteResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

/** `<kind>/<name>` or `<kind>/<namespace>/<name>`, for reports. */
export function objectName(obj: Json): string {
  const meta = (obj.metadata ?? {}) as { name?: string; namespace?: string };
  return [typeof obj.kind === 'string' ? obj.kind : '?', meta.namespace, meta.name].filter((x): x is string => x !== undefined).join('/');
}

/** kubectl's server-side apply from stdin, as the project's field manager. */
const APPLY = ['apply', '--server-side', '--force-conflicts', '--field-manager=ai-factory-cdk', '-f', '-'] as const;

/** A client for one rehearsal cluster. */
export class Kube {
  constructor(private readonly kubectl: Kubectl) {}

  /** Server-side apply of one object, as the project's field manager. */
  apply(obj: Json): WriteResult {
    return this.write(APPLY, obj);
  }

  /**
   * Server-side apply of `objs`, in order, with one result each. One kubectl process applies
   * them all as a List; only when that fails are they applied one at a time again, for each
   * object's own answer (applying an object twice with the same field manager changes
   * nothing).
   */
  applyAll(objs: readonly Json[]): WriteResult[] {
    if (objs.length === 0) return [];
    const all = this.write(APPLY, { apiVersion: 'v1', kind: 'List', items: objs });
    return all.ok ? objs.map(() => all) : objs.map((o) => this.apply(o));
  }

  /** Creates one object (for probes, which must be new). */
  create(obj: Json): WriteResult {
    return this.write(['create', '-f', '-'], obj);
  }

  /** One object, or undefined when it does not exist. */
  get<T = Json>(resource: string, name: string, namespace?: string): T | undefined {
    const run = this.kubectl(['get', resource, name, ...(namespace ? ['-n', namespace] : []), '-o', 'json']);
    if (run.status !== 0) {
      if (/NotFound|not found/.test(run.stderr)) return undefined;
      throw new Error(`kubectl get ${resource} ${name}: ${run.stderr.trim()}`);
    }
    return JSON.parse(run.stdout) as T;
  }

  /** Objects of a resource, in a namespace or all, optionally by label selector. */
  list<T = Json>(resource: string, options: { namespace?: string; selector?: string } = {}): T[] {
    const scope = options.namespace ? ['-n', options.namespace] : ['--all-namespaces'];
    const run = this.kubectl(['get', resource, ...scope, ...(options.selector ? ['-l', options.selector] : []), '-o', 'json']);
    if (run.status !== 0) throw new Error(`kubectl get ${resource}: ${run.stderr.trim()}`);
    return (JSON.parse(run.stdout) as { items: T[] }).items;
  }

  /** Deletes an object; missing is fine. */
  delete(resource: string, name: string, namespace?: string): void {
    this.kubectl(['delete', resource, name, ...(namespace ? ['-n', namespace] : []), '--ignore-not-found', '--wait=false']);
  }

  /** Polls `probe` until it returns a value, or throws after `timeoutMs` naming `what`. */
  waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000, intervalMs = 250): Promise<T> {
    return waitFor(what, probe, { timeoutMs, intervalMs });
  }

  private write(args: readonly string[], obj: Json): WriteResult {
    const run = this.kubectl(args, JSON.stringify(obj));
    return run.status === 0 ? { ok: true } : { ok: false, error: run.stderr.trim().replace(/^Error from server \([A-Za-z]+\): /, '') };
  }
}
