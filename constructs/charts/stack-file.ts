/**
 * Generated documents (Helm values, pool descriptors) written as files beside a stack's
 * `cdk.tf.json` and read by Terraform with `file()`, so that a reviewer's `git diff` of the
 * synthesized output shows the lines that changed instead of one changed multi-kilobyte JSON
 * string; and the one place that turns those references back into text for everything that
 * reads a synthesized stack (policy pack, rehearsal, review, preflight, tests).
 *
 * Terraform runs each cdktf stack in its own folder (`cdktf.out/stacks/<stack>/`), so
 * `path.module` is that folder and the files travel with the stack. `file()` returns the text
 * as it is: no interpolation, so the text never holds Terraform references.
 *
 * cdktf's own `TerraformAsset` does not fit: it copies a file that exists when the construct
 * is created (values are final only at synth), and its path holds a content hash, which would
 * make every change a rename.
 *
 * @see https://developer.hashicorp.com/terraform/language/functions/file
 * @see https://developer.hashicorp.com/terraform/language/expressions/references#filesystem-and-workspace-info
 */
import { TerraformStack, Testing, Token, type ISynthesisSession } from 'cdktf';
import * as cdktfTokens from 'cdktf/lib/_tokens';
import { Construct } from 'constructs';
import * as fs from 'fs';
import * as path from 'path';

/** A file path inside a stack folder: posix segments of letters, digits, `.`, `_` and `-`, no `..`. */
const RELATIVE_PATH = /^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
/** A whole configuration string that is a {@link StackFile} reference. */
const FILE_REFERENCE = /^\$\{file\("\$\{path\.module\}\/([^"]+)"\)\}$/;

/**
 * Props of a {@link StackFile}.
 *
 * @see https://developer.hashicorp.com/terraform/language/functions/file
 */
export interface StackFileProps {
  /** Path inside the stack folder, e.g. `values/Kueue-main/Kueue.yaml`; unique in the stack. */
  readonly path: string;
  /**
   * The text, produced at synth time so that additions made after construction still count;
   * or the text with the data it encodes ({@link StackFileText}), which readers inside a synth
   * then use instead of parsing the text again.
   */
  readonly content: () => string | StackFileText;
}

/** A generated document's text and the data it encodes. */
export interface StackFileText {
  readonly text: string;
  /**
   * The YAML (or JSON) documents of {@link text}, as plain data equal to what parsing the text
   * gives (e.g. the values object a Helm values document was written from); made when first read.
   */
  readonly documents: () => readonly unknown[];
}

/**
 * A text file written beside its stack's `cdk.tf.json` at synth (into the folder the App
 * writes, so a synth that writes to a temporary folder and renames it stays atomic), and
 * {@link reference}, the Terraform expression that reads it.
 *
 * @see https://developer.hashicorp.com/terraform/language/functions/file
 */
export class StackFile extends Construct {
  /** Path inside the stack folder (posix). */
  readonly path: string;
  /** `${file("${path.module}/<path>")}`: put it where the text would go. */
  readonly reference: string;
  private readonly produce: () => string | StackFileText;

  constructor(scope: Construct, id: string, props: StackFileProps) {
    super(scope, id);
    if (!RELATIVE_PATH.test(props.path)) {
      throw new Error(
        `StackFile ${this.node.path}: path must be relative, of letters, digits, ".", "_" and "-" separated by "/", got "${props.path}"; e.g. values/Kueue-main/Kueue.yaml`,
      );
    }
    const stack = TerraformStack.of(this);
    const taken = stackFilesOf(stack).find((f) => f !== this && f.path === props.path);
    if (taken) throw new Error(`StackFile ${this.node.path}: path ${props.path} is already written by ${taken.node.path}; give each file its own path`);
    this.path = props.path;
    this.reference = fileReference(props.path);
    this.produce = props.content;
    writeFilesAtSynth(stack);
  }

  /** The text the file holds (and Terraform reads). Throws when it holds an unresolved token, which a file cannot carry. */
  get content(): string {
    return this.render().text;
  }

  /** The text the file holds, with the documents it encodes when its producer gave them. */
  render(): { readonly text: string; readonly documents?: () => readonly unknown[] } {
    const produced = this.produce();
    const text = typeof produced === 'string' ? produced : produced.text;
    if (Token.isUnresolved(text)) {
      throw new Error(
        `StackFile ${this.node.path} (${this.path}): holds a Terraform reference (a token), which file() would not interpolate; keep references out of generated documents`,
      );
    }
    return typeof produced === 'string' ? { text } : { text, documents: produced.documents };
  }
}

/** The Terraform expression that reads `relativePath` from the stack folder. */
function fileReference(relativePath: string): string {
  return `\${file("\${path.module}/${relativePath}")}`;
}

/** The path a configuration string reads with {@link fileReference}, or undefined for any other value. */
export function referencedFile(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = FILE_REFERENCE.exec(value);
  return m && RELATIVE_PATH.test(m[1]) ? m[1] : undefined;
}

const WRITING = new WeakSet<TerraformStack>();

/**
 * Makes the stack's synthesis write its files beside its JSON, once per stack: the stack's
 * synthesizer (public cdktf API) is wrapped, so the files land in the folder the App writes.
 */
function writeFilesAtSynth(stack: TerraformStack): void {
  if (WRITING.has(stack)) return;
  WRITING.add(stack);
  const inner = stack.synthesizer;
  stack.synthesizer = {
    synthesize(session: ISynthesisSession): void {
      // The policy pack has usually resolved this stack already: the writer reuses that
      // resolve (and those files) instead of resolving the whole stack again.
      const files = withOneResolve(stack, () => inner.synthesize(session)).files;
      const stackDir = path.dirname(path.join(session.outdir, session.manifest.forStack(stack).synthesizedStackPath));
      // Each folder is made once: most hold one or two files.
      const made = new Set<string>();
      for (const [relative, text] of files) {
        const file = path.join(stackDir, ...relative.split('/'));
        const dir = path.dirname(file);
        if (!made.has(dir)) fs.mkdirSync(dir, { recursive: true });
        made.add(dir);
        fs.writeFileSync(file, text);
      }
    },
  };
}

function stackFilesOf(stack: TerraformStack): StackFile[] {
  return stack.node.findAll().filter((c): c is StackFile => c instanceof StackFile);
}

/** The text of every file a stack writes beside its JSON, by path, as synth would write it. */
export function stackFiles(stack: TerraformStack): ReadonlyMap<string, string> {
  return new Map(stackFilesOf(stack).map((f) => [f.path, f.content]));
}

/**
 * Synthesized stack configuration with every {@link fileReference} replaced by the file's
 * text: what Terraform evaluates. Every reader of synthesized JSON goes through this. Maps and
 * lists without a reference in them are `json`'s own, not copies (inlining a resolve kept for
 * a synth's readers allocates only the paths down to the references).
 *
 * @param json parsed `cdk.tf.json` (or any part of it)
 * @param read the text of a file of the stack folder, undefined when there is none
 * @param where the stack, for the message when a file is missing
 */
export function inlineStackFiles<T>(json: T, read: (relativePath: string) => string | undefined, where: string): T {
  const walk = (v: unknown): unknown => {
    const file = referencedFile(v);
    if (file !== undefined) {
      const text = read(file);
      if (text === undefined) throw new Error(`${where}: ${String(v)} reads ${file}, which the stack folder does not hold; synthesize the stack again`);
      return text;
    }
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) {
      const items = v.map(walk);
      return items.every((x, i) => x === v[i]) ? v : items;
    }
    const keys = Object.keys(v);
    const values = keys.map((k) => walk((v as Record<string, unknown>)[k]));
    return values.every((x, i) => x === (v as Record<string, unknown>)[keys[i]]) ? v : Object.fromEntries(keys.map((k, i) => [k, values[i]]));
  };
  return walk(json) as T;
}

/**
 * A stack's resolved Terraform configuration (`stack.toTerraform()`, tokens turned into
 * references), with its files inlined. For readers inside a synth (the policy pack, the size
 * guard), which share it: do not change it.
 */
export function resolvedStack(stack: TerraformStack): Record<string, unknown> {
  const memo = currentResolve(stack) ?? resolveOnce(stack, KEEPING.has(stack));
  // Readers in one synth (the policy pack, the size guard) share one copy; none changes it.
  memo.inlined ??= inlineStackFiles(memo.json, (p) => memo.files.get(p), stack.node.id);
  return memo.inlined;
}

/**
 * The documents of a file {@link resolvedStack} inlined, by the file's text, when its producer
 * gave them ({@link StackFileText}): what parsing the text would give, without parsing it. For
 * readers inside a synth, which share them: do not change them.
 */
export function resolvedDocuments(stack: TerraformStack): (text: string) => readonly unknown[] | undefined {
  const memo = currentResolve(stack) ?? resolveOnce(stack, KEEPING.has(stack));
  return (text) => memo.documents.get(text)?.();
}

/** Stacks whose resolve is kept from their first reader to their synthesis (see {@link keepResolveUntilSynth}). */
const KEEPING = new WeakSet<TerraformStack>();

/**
 * Keeps the stack's next resolve (the policy pack's) until the stack is synthesized, which
 * then writes it instead of resolving the whole stack again. Only for a stack that does not
 * change between its policy check and its synthesis (`synthCatalogue`, whose `customize`
 * runs before the check): an override added in between would not be written.
 */
export function keepResolveUntilSynth(stack: TerraformStack): void {
  KEEPING.add(stack);
  PREPARING.add(stack);
  // The synthesizer that writes the kept resolve, also for a stack without files.
  writeFilesAtSynth(stack);
  // `app.synth()` prepares every stack (a resolve of each element) before writing any: a
  // stack whose kept resolve was a preparing one (see preparedToTerraform) is prepared already.
  const prototype = Object.getPrototypeOf(stack) as TerraformStack;
  stack.prepareStack = () => {
    if (currentResolve(stack)?.prepared !== true) prototype.prepareStack.call(stack);
  };
}

/** Stacks whose first resolve also prepares them for `app.synth()` (see {@link keepResolveUntilSynth}). */
const PREPARING = new WeakSet<TerraformStack>();

/**
 * `stack.toTerraform()` resolved the way `TerraformStack.prepareStack` resolves each element
 * (cdktf's `preparing` resolve, the one that adds the outputs and remote states of
 * cross-stack references), so that one resolve serves both `app.synth()`'s preparation and
 * the writing: a preparing resolve differs only in what it adds, and it is repeated until it
 * adds nothing, so the JSON holds what it added.
 *
 * @see https://github.com/hashicorp/terraform-cdk/blob/main/packages/cdktf/lib/terraform-stack.ts (prepareStack)
 * @see https://github.com/hashicorp/terraform-cdk/blob/main/packages/cdktf/lib/tfExpression.ts (Reference.resolve)
 */
function preparedToTerraform(stack: TerraformStack, toTerraform: () => unknown): unknown {
  stack.ensureBackendExists();
  return withPlainDataShortcut(true, () => {
    for (;;) {
      const before = stack.node.findAll().length;
      const json = toTerraform();
      if (stack.node.findAll().length === before) return json;
    }
  });
}

/**
 * Runs `fn` (a `toTerraform()`) with cdktf's resolve taking a shortcut through plain data: a
 * string without a token marker, a number that is not an encoded token, and lists and maps of
 * only those come back as cdktf's resolve returns them (equal data, `undefined` entries
 * dropped), without the context objects, regular expressions and closures it makes for each of
 * them; anything else (a token, a string or key that may hold one, an object that is not plain
 * data) goes to cdktf's resolve, with the same scope and resolver. `toTerraform()` resolves
 * each element, then the whole configuration again (all of it plain data by then, but for the
 * stack's overrides): most of a synth's resolve was this walk. A map or list that resolving
 * leaves unchanged is returned itself, not copied, so the second walk allocates nothing: the
 * resolved configuration may share objects with what the elements returned, and like every
 * resolve kept for readers (see {@link resolvedStack}) it is not to be changed.
 *
 * With `preparing`, every resolve is a preparing one (see {@link preparedToTerraform}).
 *
 * @see https://github.com/hashicorp/terraform-cdk/blob/main/packages/cdktf/lib/tokens/private/resolve.ts
 * @see https://github.com/hashicorp/terraform-cdk/blob/main/packages/cdktf/lib/tokens/private/encoding.ts
 */
function withPlainDataShortcut<T>(preparing: boolean, fn: () => T): T {
  const tokens: { resolve: typeof cdktfTokens.resolve } = cdktfTokens;
  const resolve = tokens.resolve;
  tokens.resolve = (scope, obj, prepare = false) => {
    const cdktfResolve = (value: unknown): unknown => resolve(scope, value, preparing || prepare);
    return resolvePlainData(obj, cdktfResolve, 0) as typeof obj;
  };
  try {
    return fn();
  } finally {
    tokens.resolve = resolve;
  }
}

/** Levels of plain data walked before the rest goes to cdktf's resolve, which refuses data nested deeper than 200 (a cycle). */
const PLAIN_DATA_DEPTH = 100;

/**
 * Numbers cdktf encodes a token in have the top 16 bits 0xfdff or 0xfbff (about -1.8e289);
 * `Token.NUMBER_MAP_TOKEN_VALUE` is a marker cdktf refuses outside a map.
 */
const plainNumber = (n: number): boolean => Math.abs(n) < 1e280 && n !== Token.NUMBER_MAP_TOKEN_VALUE;

/** How a list token begins (cdktf's `BEGIN_LIST_TOKEN_MARKER`). */
const BEGIN_LIST_TOKEN = '#{TfToken[';

/** A string of a concatenated number token, as cdktf's number-token pattern finds them (`[-|\d|.\+]+(e[-|\d|.|e|E|\+]+)`). */
const NUMBER_TOKEN_TEXT = /[-|\d.+]e[-|\d.eE+]/;

/**
 * Whether cdktf's resolve may change a string (or map key): a token marker (`${TfToken[`,
 * `#{TfToken[`, `&{TfToken[`), a number token written into it, or a map-token marker value.
 */
function mayHoldToken(s: string): boolean {
  return s.includes('{TfToken[') || NUMBER_TOKEN_TEXT.test(s) || s === Token.STRING_MAP_TOKEN_VALUE || s === Token.ANY_MAP_TOKEN_VALUE;
}

/** See {@link withPlainDataShortcut}. */
function resolvePlainData(value: unknown, cdktfResolve: (value: unknown) => unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
      return mayHoldToken(value) ? cdktfResolve(value) : value;
    case 'number':
      return plainNumber(value) ? value : cdktfResolve(value);
    case 'boolean':
    case 'undefined':
      return value;
    case 'object':
      if (value === null) return null;
      if (depth >= PLAIN_DATA_DEPTH) return cdktfResolve(value);
      return Array.isArray(value) ? resolvePlainList(value, cdktfResolve, depth) : resolvePlainMap(value, cdktfResolve, depth);
    default:
      return cdktfResolve(value);
  }
}

/** A list resolved; the list itself when resolving changes none of its entries. */
function resolvePlainList(list: readonly unknown[], cdktfResolve: (value: unknown) => unknown, depth: number): unknown {
  // A list holding a list token (or a number token) is resolved as a whole by cdktf; any other, entry by entry.
  if (list.some((x) => (typeof x === 'string' && x.includes(BEGIN_LIST_TOKEN)) || (typeof x === 'number' && !plainNumber(x)))) return cdktfResolve(list);
  let out: unknown[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const resolved = resolvePlainData(list[i], cdktfResolve, depth + 1);
    if (out === undefined && resolved === list[i] && resolved !== undefined) continue;
    out ??= list.slice(0, i);
    if (resolved !== undefined) out.push(resolved);
  }
  return out ?? list;
}

/** A map resolved; the map itself when resolving changes none of its entries. */
function resolvePlainMap(map: object, cdktfResolve: (value: unknown) => unknown, depth: number): unknown {
  const prototype = Object.getPrototypeOf(map) as unknown;
  // Tokens (a resolve method), constructs, dates and other class instances are cdktf's to resolve.
  if ((prototype !== Object.prototype && prototype !== null) || 'resolve' in map || '_children' in map) return cdktfResolve(map);
  const keys = Object.keys(map);
  // cdktf assigns each key to a new object, where `__proto__` sets the prototype instead.
  if (keys.some((key) => key === '__proto__' || mayHoldToken(key))) return cdktfResolve(map);
  const entries = map as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const value = entries[keys[i]];
    const resolved = resolvePlainData(value, cdktfResolve, depth + 1);
    if (out === undefined && resolved === value && resolved !== undefined) continue;
    if (out === undefined) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]] = entries[keys[j]];
    }
    if (resolved !== undefined) out[keys[i]] = resolved;
  }
  return out ?? map;
}

/** A stack's resolve (`toTerraform()`) and files, kept from a reader inside a synth for the writer. */
interface Resolve {
  readonly json: Record<string, unknown>;
  readonly files: ReadonlyMap<string, string>;
  /** The documents of the files whose producer gave them, by the file's text. */
  readonly documents: ReadonlyMap<string, () => readonly unknown[]>;
  /** Constructs in the stack when it was resolved: a construct added since makes the resolve stale. */
  readonly constructs: number;
  /** Whether the resolve prepared the stack for `app.synth()` too (see preparedToTerraform). */
  readonly prepared: boolean;
  /** {@link json} with the files inlined, made by the first {@link resolvedStack}. */
  inlined?: Record<string, unknown>;
}

const RESOLVED = new WeakMap<TerraformStack, Resolve>();

function resolveOnce(stack: TerraformStack, keep = true): Resolve {
  // The class's own method: the stack's may be the one withOneResolve puts in its place.
  const prototype = Object.getPrototypeOf(stack) as TerraformStack;
  const prepared = keep && PREPARING.has(stack);
  const toTerraform = () => prototype.toTerraform.call(stack) as Record<string, unknown>;
  const json = (prepared ? preparedToTerraform(stack, toTerraform) : withPlainDataShortcut(false, toTerraform)) as Record<string, unknown>;
  const files = new Map<string, string>();
  const documents = new Map<string, () => readonly unknown[]>();
  for (const f of stackFilesOf(stack)) {
    const { text, documents: docs } = f.render();
    files.set(f.path, text);
    if (docs !== undefined) {
      let made: readonly unknown[] | undefined;
      documents.set(text, () => (made ??= docs()));
    }
  }
  const memo: Resolve = { json, files, documents, constructs: stack.node.findAll().length, prepared };
  if (keep) RESOLVED.set(stack, memo);
  return memo;
}

/** The kept resolve of a stack, unless a construct was added to it since. */
function currentResolve(stack: TerraformStack): Resolve | undefined {
  const memo = RESOLVED.get(stack);
  return memo?.constructs === stack.node.findAll().length ? memo : undefined;
}

/**
 * Runs a synthesis of `stack` (cdktf's synthesizer, `Testing.synth`) so that the stack is
 * resolved once: the policy pack (an aspect the synthesis invokes first) and the writer share
 * one `toTerraform()`. The kept resolve is dropped afterwards, so a later change to the stack
 * is seen by the next synthesis.
 */
function withOneResolve<T>(stack: TerraformStack, synthesize: () => T): { value: T; files: ReadonlyMap<string, string> } {
  let used: Resolve | undefined;
  const kept = KEEPING.has(stack);
  KEEPING.add(stack);
  stack.toTerraform = () => {
    used = currentResolve(stack) ?? resolveOnce(stack);
    return used.json;
  };
  try {
    const value = synthesize();
    return { value, files: used?.files ?? stackFiles(stack) };
  } finally {
    delete (stack as { toTerraform?: unknown }).toTerraform;
    RESOLVED.delete(stack);
    if (!kept) KEEPING.delete(stack);
  }
}

/**
 * A stack synthesized in memory (`Testing.synth`: what `cdk.tf.json` holds, sorted, without
 * metadata), parsed, with its files inlined.
 *
 * @see https://developer.hashicorp.com/terraform/cdktf/test/unit-tests
 */
export function synthesizedStack(stack: TerraformStack): Record<string, unknown> {
  const { value, files } = withOneResolve(stack, () => Testing.synth(stack));
  return inlineStackFiles(JSON.parse(value) as Record<string, unknown>, (p) => files.get(p), stack.node.id);
}

/**
 * A synthesized stack read from disk (`<dir>/cdk.tf.json`, or the file given), parsed, with
 * the files beside it inlined.
 */
export function readSynthesizedStack(jsonFile: string): Record<string, unknown> {
  const dir = path.dirname(jsonFile);
  const json = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as Record<string, unknown>;
  return inlineStackFiles(
    json,
    (p) => {
      const file = path.join(dir, ...p.split('/'));
      return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    },
    jsonFile,
  );
}
