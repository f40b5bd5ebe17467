// Wire encoding for FindCoordinator 0-2, JoinGroup 0-5, SyncGroup 0-3, Heartbeat 0-3 and
// LeaveGroup 0-3. The decisions live in GroupCoordinator.
import type { BrokerContext } from '../broker-context.ts';
import { Writer } from '../protocol/writer.ts';
import type { JoinResult, SyncResult } from '../groups/group.ts';
import type { KafkaRequest } from '../server/request.ts';

export function handleFindCoordinator(ctx: BrokerContext, req: KafkaRequest): Buffer[] {
  const v = req.apiVersion;
  req.body.string(); // key: group id or transactional id — this node coordinates everything
  if (v >= 1) req.body.int8();
  const w = new Writer();
  if (v >= 1) w.int32(0);
  w.int16(0);
  if (v >= 1) w.nullableString(null);
  w.int32(ctx.config.nodeId).string(ctx.config.host).int32(ctx.config.port);
  return w.finish();
}

function encodeJoin(v: number, res: JoinResult): Buffer[] {
  const w = new Writer();
  if (v >= 2) w.int32(0);
  w.int16(res.error).int32(res.generation).string(res.protocol).string(res.leader).string(res.memberId);
  w.array(res.members, (w, m) => {
    w.string(m.memberId);
    if (v >= 5) w.nullableString(m.instanceId);
    w.bytes(m.metadata);
  });
  return w.finish();
}

export function handleJoinGroup(ctx: BrokerContext, req: KafkaRequest): Buffer[] | Promise<Buffer[]> {
  const v = req.apiVersion;
  const r = req.body;
  const groupId = r.string();
  const sessionTimeoutMs = r.int32();
  const rebalanceTimeoutMs = v >= 1 ? r.int32() : sessionTimeoutMs;
  const memberId = r.string();
  const instanceId = v >= 5 ? r.nullableString() : null;
  const protocolType = r.string();
  const protocols = r.array((r) => ({ name: r.string(), metadata: Buffer.from(r.bytes()) }));
  const res = ctx.groups.join({
    groupId, memberId, instanceId, sessionTimeoutMs, rebalanceTimeoutMs, protocolType, protocols,
    clientId: req.clientId ?? '',
    clientHost: req.clientHost,
    requireKnownMemberId: v >= 4,
  });
  return res instanceof Promise ? res.then((x) => encodeJoin(v, x)) : encodeJoin(v, res);
}

function encodeSync(v: number, res: SyncResult): Buffer[] {
  const w = new Writer();
  if (v >= 1) w.int32(0);
  w.int16(res.error).bytes(res.assignment);
  return w.finish();
}

export function handleSyncGroup(ctx: BrokerContext, req: KafkaRequest): Buffer[] | Promise<Buffer[]> {
  const v = req.apiVersion;
  const r = req.body;
  const groupId = r.string();
  const generation = r.int32();
  const memberId = r.string();
  if (v >= 3) r.nullableString(); // group instance id
  const assignments = r.array((r) => ({ memberId: r.string(), assignment: r.bytes() }));
  const res = ctx.groups.sync(groupId, generation, memberId, assignments);
  return res instanceof Promise ? res.then((x) => encodeSync(v, x)) : encodeSync(v, res);
}

export function handleHeartbeat(ctx: BrokerContext, req: KafkaRequest): Buffer[] {
  const v = req.apiVersion;
  const r = req.body;
  const groupId = r.string();
  const generation = r.int32();
  const memberId = r.string();
  if (v >= 3) r.nullableString();
  const w = new Writer(8);
  if (v >= 1) w.int32(0);
  w.int16(ctx.groups.heartbeat(groupId, generation, memberId));
  return w.finish();
}

export function handleLeaveGroup(ctx: BrokerContext, req: KafkaRequest): Buffer[] {
  const v = req.apiVersion;
  const r = req.body;
  const groupId = r.string();
  const w = new Writer();
  if (v >= 1) w.int32(0);
  if (v < 3) {
    w.int16(ctx.groups.leave(groupId, r.string()));
    return w.finish();
  }
  const members = r.array((r) => ({ memberId: r.string(), instanceId: r.nullableString() }));
  const results = members.map((m) => ({ ...m, error: ctx.groups.leave(groupId, m.memberId) }));
  w.int16(0); // per-member errors below, as Kafka answers v3
  w.array(results, (w, m) => w.string(m.memberId).nullableString(m.instanceId).int16(m.error));
  return w.finish();
}
