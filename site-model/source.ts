/**
 * Where a site file's values sit: the file name and a map from field paths to lines. Every
 * problem is created through a {@link SiteSource}, at the place the problem is found, so it
 * names its file and line from the start and is never rebuilt from text.
 */
import { isMap, isScalar, type Document, type LineCounter, type Node } from 'yaml';
import { renderValue, type SiteProblem } from './problems';

/** A step of a field path: a map key or a list index. */
export type PathKey = string | number;

/** A `got` text that describes the value rather than quoting it, e.g. `no cluster`. */
export class Described {
  constructor(readonly text: string) {}
}

/** The file and line index of one site file. */
export class SiteSource {
  /**
   * A source without line information, for site specs built in code rather than read from a
   * file (tests, host sites that embed the library); every problem points at line 1.
   */
  static inMemory(file: string): SiteSource {
    return new SiteSource(file);
  }

  /**
   * @param file path of the site file, as given to the loader
   * @param doc the parsed YAML document, when the site came from a file
   * @param lines the line counter the document was parsed with
   */
  constructor(
    readonly file: string,
    private readonly doc?: Document,
    private readonly lines?: LineCounter,
  ) {}

  /** Line of the deepest node that exists along `fieldPath`. */
  lineOf(fieldPath: readonly PathKey[]): number {
    for (let depth = fieldPath.length; depth >= 0; depth--) {
      const node = this.nodeAt(fieldPath.slice(0, depth));
      if (node?.range && this.lines) return this.lines.linePos(node.range[0]).line;
    }
    return 1;
  }

  /** Line of a map key (for unknown or misspelt keys, and keys that are values), else of the value. */
  lineOfKey(fieldPath: readonly PathKey[]): number {
    const parent = this.nodeAt(fieldPath.slice(0, -1));
    if (isMap(parent) && this.lines) {
      const last = fieldPath[fieldPath.length - 1];
      const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last);
      const key = pair?.key as Node | undefined;
      if (key?.range) return this.lines.linePos(key.range[0]).line;
    }
    return this.lineOf(fieldPath);
  }

  /**
   * A problem at `fieldPath`. `got` is the value found (rendered short), or a
   * {@link Described} text; `atKey` points at the key's line rather than its value's.
   */
  problem(fieldPath: readonly PathKey[], problem: string, got: unknown, fix: string, atKey = false): SiteProblem {
    return {
      file: this.file,
      line: atKey ? this.lineOfKey(fieldPath) : this.lineOf(fieldPath),
      path: fieldPath.join('.'),
      problem,
      got: got instanceof Described ? got.text : renderValue(got),
      fix,
    };
  }

  private nodeAt(fieldPath: readonly PathKey[]): Node | undefined {
    if (!this.doc) return undefined;
    if (fieldPath.length === 0) return this.doc.contents ?? undefined;
    const node: unknown = this.doc.getIn(fieldPath, true);
    return node && typeof node === 'object' && 'range' in node ? (node as Node) : undefined;
  }
}
