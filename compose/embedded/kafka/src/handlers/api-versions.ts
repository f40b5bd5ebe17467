// ApiVersions 0-2. A newer request (librdkafka starts at v3, flexible) gets error 35 in the v0
// layout with our ranges, and the client retries at a version we speak.
import { ErrorCode, SUPPORTED_VERSIONS } from '../protocol/api.ts';
import { Writer } from '../protocol/writer.ts';
import type { KafkaRequest } from '../server/request.ts';

export function handleApiVersions(req: KafkaRequest): Buffer[] {
  const w = new Writer();
  const tooNew = req.apiVersion > 2;
  w.int16(tooNew ? ErrorCode.UNSUPPORTED_VERSION : ErrorCode.NONE);
  w.array([...SUPPORTED_VERSIONS], (w, [key, [min, max]]) => w.int16(key).int16(min).int16(max));
  if (!tooNew && req.apiVersion >= 1) w.int32(0);
  return w.finish();
}
