/**
 * Where a site file's values sit: the file name and a map from field paths to lines. Every
 * problem is created through a {@link SiteSource}, at the place the problem is found, so it
 * names its file and line from the start and is never rebuilt from text.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';
import { bounded, renderPath, renderValue, type SiteProblem } from './problems';

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
      const key = this.pairsOf(parent).get(String(fieldPath[fieldPath.length - 1]))?.key as Node | undefined;
      if (key?.range) return this.lines.linePos(key.range[0]).line;
    }
    return this.lineOf(fieldPath);
  }

  /**
   * A problem at `fieldPath`. `got` is the value found (rendered short), or a
   * {@link Described} text; `atKey` points at the key's line rather than its value's.
   */
  problem(fieldPath: readonly PathKey[], problem: string, got: unknown, fix: string, atKey = false): SiteProblem {
    return bounded({
      file: this.file,
      line: atKey ? this.lineOfKey(fieldPath) : this.lineOf(fieldPath),
      path: renderPath(fieldPath),
      problem,
      got: got instanceof Described ? got.text : renderValue(got),
      fix,
    });
  }

  /** Line of a character offset of the file; 1 without line information. */
  lineAtOffset(offset: number): number {
    return this.lines ? this.lines.linePos(offset).line : 1;
  }

  /**
   * The comment on the same line as the value at `fieldPath` (`nodes: 64  # https://...`),
   * empty when there is none or the site has no file.
   */
  commentOf(fieldPath: readonly PathKey[]): string {
    const node = this.nodeAt(fieldPath);
    return isScalar(node) ? (node.comment ?? '') : '';
  }

  /** Pairs of a map by key, built once per map: a file may have thousands of problems in one map. */
  private readonly pairs = new WeakMap<YAMLMap, Map<string, Pair>>();

  /** Pairs of `map` by key; keys compare as the loader reads them (`1:` and `"1":` are both "1"), the first of duplicates wins. */
  private pairsOf(map: YAMLMap): Map<string, Pair> {
    let byKey = this.pairs.get(map);
    if (!byKey) {
      byKey = new Map();
      for (const item of map.items) {
        const name = isScalar(item.key) ? String(item.key.value) : undefined;
        if (name !== undefined && !byKey.has(name)) byKey.set(name, item);
      }
      this.pairs.set(map, byKey);
    }
    return byKey;
  }

  /**
   * The node at `fieldPath`. Aliases along the way are followed, so a value reached through
   * `*anchor` still has a line (the anchored value's, or the alias's when the path ends at
   * it), and map keys compare as strings.
   */
  private nodeAt(fieldPath: readonly PathKey[]): Node | undefined {
    if (!this.doc) return undefined;
    let node: unknown = this.doc.contents ?? undefined;
    for (const key of fieldPath) {
      const container = isAlias(node) ? node.resolve(this.doc) : node;
      if (isMap(container)) {
        node = this.pairsOf(container).get(String(key))?.value ?? undefined;
      } else if (isSeq(container) && /^\d+$/.test(String(key))) {
        node = container.items[Number(key)];
      } else {
        return undefined;
      }
    }
    return node && typeof node === 'object' && 'range' in node ? (node as Node) : undefined;
  }
}
