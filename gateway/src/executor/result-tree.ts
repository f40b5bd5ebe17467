/**
 * The data tree one execution builds from its subgraph answers.
 *
 * Subgraph answers may be shared between concurrent requests (an in-flight query answers every
 * identical one), so they are never modified: the tree takes them by reference and copies an
 * object or list only when something has to be merged into it (copy on write). Only what entity
 * fetches extend gets copied, and only once per execution.
 */
export type JsonObject = Record<string, unknown>;

export class ResultTree {
  readonly root: JsonObject = {};
  /** Objects and lists this execution made (its own copies): these may be written to. */
  private readonly owned = new WeakSet<object>([this.root]);

  /** Whether `value` is a JSON object (not a list, not null). */
  static isObject(value: unknown): value is JsonObject {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  }

  /** `parent[key]` as a value this execution may write to (copied into place the first time). */
  writable<T extends JsonObject | unknown[]>(parent: JsonObject | unknown[], key: string | number, value: T): T {
    if (this.owned.has(value)) return value;
    const copy = (Array.isArray(value) ? value.slice() : { ...value }) as T;
    this.owned.add(copy);
    (parent as Record<string | number, unknown>)[key] = copy;
    return copy;
  }

  /**
   * Merges `source` into `target` (which must be writable), as Apollo's deepMerge: objects merge
   * key by key, lists of the same length element by element, anything else replaces.
   */
  merge(target: JsonObject, source: JsonObject | null | undefined): void {
    if (!source) return;
    for (const key of Object.keys(source)) {
      const incoming = source[key];
      if (incoming === undefined) continue;
      const existing = target[key];
      if (existing && ResultTree.isObject(incoming) && ResultTree.isObject(existing)) {
        this.merge(this.writable(target, key, existing), incoming);
      } else if (Array.isArray(incoming) && Array.isArray(existing) && incoming.length === existing.length) {
        const list = this.writable(target, key, existing);
        for (let i = 0; i < incoming.length; i++) {
          const element = list[i];
          const incomingElement = incoming[i];
          if (ResultTree.isObject(element) && ResultTree.isObject(incomingElement)) this.merge(this.writable(list, i, element), incomingElement);
          else list[i] = incomingElement;
        }
      } else {
        target[key] = incoming;
      }
    }
  }
}
