/**
 * One text per value whatever the field order or driver types: object keys sorted, BSON values in
 * extended-JSON form ({"$date": ISO}, {"$oid": hex}, …). Two collections with the same documents
 * therefore hash the same even when one was written field by field in another order.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return `{"$date":${JSON.stringify(value.toISOString())}}`;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `{"$binary":${JSON.stringify(Buffer.from(value).toString('base64'))}}`;
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : `{"$numberDouble":"${value}"}`;
  if (typeof value === 'bigint') return `{"$numberLong":"${value}"}`;
  if (typeof value !== 'object') return JSON.stringify(value);
  const bsonType = (value as { _bsontype?: string })._bsontype;
  if (bsonType === 'ObjectId') return `{"$oid":"${(value as { toHexString(): string }).toHexString()}"}`;
  if (bsonType === 'Binary') return `{"$binary":${JSON.stringify(Buffer.from((value as { buffer: Uint8Array }).buffer).toString('base64'))}}`;
  if (bsonType) return `{"$${bsonType}":${JSON.stringify(String(value))}}`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, field]) => field !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
}
