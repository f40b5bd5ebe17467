// DescribeGroups 0-2 and ListGroups 0-2. Groups known only through committed offsets (simple
// consumers, admin setOffsets) are listed too, as Kafka does.
import type { BrokerContext } from '../broker-context.ts';
import { Writer } from '../protocol/writer.ts';
import type { KafkaRequest } from '../server/request.ts';

const EMPTY = Buffer.alloc(0);

export function handleDescribeGroups(ctx: BrokerContext, req: KafkaRequest): Buffer[] {
  const ids = req.body.array((r) => r.string());
  const w = new Writer();
  if (req.apiVersion >= 1) w.int32(0);
  w.array(ids, (w, id) => {
    const g = ctx.groups.groups.get(id);
    if (!g) {
      const known = ctx.offsets.hasGroup(id);
      w.int16(0).string(id).string(known ? 'Empty' : 'Dead').string('').string('').int32(0);
      return;
    }
    w.int16(0).string(id).string(g.state).string(g.protocolType ?? '').string(g.protocol ?? '');
    w.array([...g.members.values()], (w, m) => {
      const metadata = m.protocols.find((p) => p.name === g.protocol)?.metadata ?? EMPTY;
      w.string(m.id).string(m.clientId).string(m.clientHost).bytes(metadata).bytes(m.assignment);
    });
  });
  return w.finish();
}

export function handleListGroups(ctx: BrokerContext, req: KafkaRequest): Buffer[] {
  const seen = new Map<string, string>();
  for (const g of ctx.groups.groups.values()) seen.set(g.id, g.protocolType ?? '');
  for (const id of ctx.offsets.groupIds()) if (!seen.has(id)) seen.set(id, '');
  const w = new Writer();
  if (req.apiVersion >= 1) w.int32(0);
  w.int16(0);
  w.array([...seen], (w, [id, type]) => w.string(id).string(type));
  return w.finish();
}
