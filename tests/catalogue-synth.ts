/**
 * The catalogue's stacks synthesized once per jest run, shared by every test file that checks
 * the whole catalogue.
 *
 * Each site of `sites/` is synthesized by the first worker that asks for it and written, as the
 * JSON `synthSite` returns, to the run's folder (`$AIF_TEST_RUN_DIR`, made by
 * tests/global-setup.js and removed after the run); the other workers read it. A worker that
 * finds a site claimed by another synthesizes a site nobody has claimed while it waits, so two
 * workers share the work instead of queueing. A claim whose worker has died is taken over.
 * Without `$AIF_TEST_RUN_DIR` (a test file run outside jest's global setup) each process keeps
 * its own copy in memory.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadCatalogue } from '../site-model/loader';
import type { SiteModel } from '../site-model/resolve';
import { SITES_DIR, synthSite, type SynthJson } from './helpers';

/** Names the folder a jest run shares between its workers; set by tests/global-setup.js. */
const RUN_DIR_ENV = 'AIF_TEST_RUN_DIR';

/** A catalogue site's two stacks, synthesized (Helm values and pool descriptors inlined). */
export interface SynthesizedSite {
  readonly platform: SynthJson;
  readonly workloads: SynthJson;
}

const memo = new Map<string, SynthesizedSite>();
let models: Map<string, SiteModel> | undefined;

/** The catalogue's site models by id, loaded once per process. */
function catalogueModels(): Map<string, SiteModel> {
  models ??= new Map(loadCatalogue(SITES_DIR).map((s) => [s.spec.id, s]));
  return models;
}

/** Blocks for `ms` milliseconds (the callers are synchronous test bodies and describe blocks). */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function build(id: string): SynthesizedSite {
  const model = catalogueModels().get(id);
  if (!model) throw new Error(`no site ${id} in ${SITES_DIR}`);
  const { platform, workloads } = synthSite(model);
  return { platform, workloads };
}

/** Whether the process that wrote `lock` is gone (or the lock cannot be read). */
function ownerGone(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(lock, 'utf8'));
  } catch {
    return !fs.existsSync(lock);
  }
  if (!Number.isInteger(pid) || pid <= 0) return false; // being written
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The run folder's store: claim, write and read one site's JSON. */
class RunStore {
  constructor(private readonly dir: string) {}

  private file(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }

  private lock(id: string): string {
    return path.join(this.dir, `${id}.lock`);
  }

  has(id: string): boolean {
    return fs.existsSync(this.file(id));
  }

  read(id: string): SynthesizedSite {
    return JSON.parse(fs.readFileSync(this.file(id), 'utf8')) as SynthesizedSite;
  }

  /** Claims `id` for this process; false when another process holds it. */
  claim(id: string): boolean {
    try {
      const fd = fs.openSync(this.lock(id), 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  }

  /** Gives up this process's claim on `id`. */
  release(id: string): void {
    fs.rmSync(this.lock(id), { force: true });
  }

  /** Drops another process's claim on `id` when that process has died. */
  releaseIfOrphaned(id: string): void {
    if (ownerGone(this.lock(id))) this.release(id);
  }

  /** Writes `site` whole (a reader never sees half a file). */
  write(id: string, site: SynthesizedSite): void {
    const tmp = `${this.file(id)}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(site));
    fs.renameSync(tmp, this.file(id));
  }
}

/**
 * Synthesizes `id`, which this process has claimed, into the store. A synth that throws gives
 * the claim up, so that a worker waiting for the site builds it itself and reports the error.
 */
function buildInto(store: RunStore, id: string): SynthesizedSite {
  try {
    const site = build(id);
    store.write(id, site);
    return site;
  } catch (e) {
    store.release(id);
    throw e;
  }
}

/**
 * The synthesized stacks of catalogue site `id` (a file of `sites/`), built once per jest run.
 * @throws Error when `sites/` has no such site
 */
export function catalogueSynth(id: string): SynthesizedSite {
  const known = memo.get(id);
  if (known) return known;
  const dir = process.env[RUN_DIR_ENV];
  if (!dir) {
    const site = build(id);
    memo.set(id, site);
    return site;
  }
  const store = new RunStore(dir);
  for (;;) {
    if (store.has(id)) break;
    if (store.claim(id)) {
      memo.set(id, buildInto(store, id));
      break;
    }
    // Another worker is building it: build one nobody has claimed meanwhile.
    const other = [...catalogueModels().keys()].find((o) => o !== id && !memo.has(o) && !store.has(o) && store.claim(o));
    if (other !== undefined) {
      try {
        memo.set(other, buildInto(store, other));
      } catch {
        // Not this test's site: the test that asks for it reports the error.
      }
    } else {
      store.releaseIfOrphaned(id);
      sleep(20);
    }
  }
  const site = memo.get(id) ?? store.read(id);
  memo.set(id, site);
  return site;
}
