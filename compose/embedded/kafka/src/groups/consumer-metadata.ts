// The "consumer" protocol's member metadata: version int16, topics [string], user data bytes.
// The broker reads only the topic list, to know which long polls a rebalance should cut short.
import { Reader } from '../protocol/reader.ts';

export function subscribedTopics(protocolType: string, metadata: Buffer): string[] {
  if (protocolType !== 'consumer') return [];
  try {
    const r = new Reader(metadata);
    r.int16();
    return r.array((r) => r.string());
  } catch {
    return []; // not our business if a client encodes something else
  }
}
