/**
 * The last version sent per document id, for a bounded number of ids: a long-lived subscription
 * to a whole read model must not grow without end. The least recently advanced id is forgotten
 * first; a very late duplicate of a forgotten id would go out again, which subscribers tolerate
 * (it carries an older or equal version of a document they already hold).
 */
export class VersionTracker {
  private readonly versions = new Map<string, number>();

  constructor(private readonly maxIds: number) {}

  /** True (and remembered) when `version` is newer than the last one seen for `id`. */
  advance(id: string, version: number): boolean {
    const last = this.versions.get(id);
    if (last !== undefined && version <= last) return false;
    // Re-inserting moves the id to the end of the Map's order: the oldest stay in front.
    this.versions.delete(id);
    this.versions.set(id, version);
    if (this.versions.size > this.maxIds) this.versions.delete(this.versions.keys().next().value as string);
    return true;
  }
}
