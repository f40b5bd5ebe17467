import { valuesAtPath } from './bson-values.ts';
import type { Catalog } from './store/catalog.ts';

/**
 * Removes documents whose TTL-indexed date is older than expireAfterSeconds. Like the real
 * server: a field holding an array expires on its earliest date; non-dates never expire.
 * Returns how many documents were removed (the caller journals the catalog's pending ops).
 */
export function expireDocuments(catalog: Catalog, now = Date.now()): number {
  let removed = 0;
  for (const db of catalog.databases()) {
    for (const coll of catalog.collections(db)) {
      for (const index of coll.indexes) {
        if (index.ttlSeconds === undefined || index.fields.length !== 1) continue;
        const cutoff = now - index.ttlSeconds * 1000;
        const expired: string[] = [];
        for (const record of coll.all()) {
          const dates = valuesAtPath(record.plain, index.fields[0]!).filter((v): v is Date => v instanceof Date);
          if (dates.length > 0 && Math.min(...dates.map((d) => d.getTime())) <= cutoff) expired.push(record.id);
        }
        for (const id of expired) catalog.remove(coll, id);
        removed += expired.length;
      }
    }
  }
  return removed;
}
