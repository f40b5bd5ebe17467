// The consumer-group state machine (see kafka-broker.md): Empty -> PreparingRebalance (held
// joins, rebalance timer) -> CompletingRebalance (held syncs until the leader's assignment) ->
// Stable. Session timers expire silent members. All timers are cleared by close().
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ErrorCode } from '../protocol/api.ts';
import { subscribedTopics } from './consumer-metadata.ts';
import {
  chooseProtocol, joinError, newGroup, sameProtocols,
  type Group, type JoinArgs, type JoinResult, type Member, type SyncResult,
} from './group.ts';

const EMPTY = Buffer.alloc(0);
// Permissive on purpose: INVALID_SESSION_TIMEOUT is not retried by clients.
const MIN_SESSION_MS = 1;
const MAX_SESSION_MS = 60 * 60 * 1000;

export class GroupCoordinator {
  readonly groups = new Map<string, Group>();

  /** onRebalance: a rebalance started (the broker answers held fetches so members can rejoin) */
  constructor(
    private readonly logger: Logger,
    private readonly onRebalance: (topics: ReadonlySet<string>) => void = () => undefined,
  ) {}

  private group(id: string): Group {
    let g = this.groups.get(id);
    if (!g) this.groups.set(id, (g = newGroup(id)));
    return g;
  }

  join(a: JoinArgs): JoinResult | Promise<JoinResult> {
    if (!a.groupId) return joinError(ErrorCode.INVALID_GROUP_ID, a.memberId);
    if (a.sessionTimeoutMs < MIN_SESSION_MS || a.sessionTimeoutMs > MAX_SESSION_MS) {
      return joinError(ErrorCode.INVALID_SESSION_TIMEOUT, a.memberId);
    }
    const g = this.group(a.groupId);
    if (!a.protocolType || a.protocols.length === 0) return joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, a.memberId);
    if (g.members.size > 0) {
      const others = [...g.members.values()].filter((m) => m.id !== a.memberId);
      const typeOk = g.protocolType === null || g.protocolType === a.protocolType;
      const common = a.protocols.some((p) => others.every((m) => m.protocols.some((q) => q.name === p.name)));
      if (!typeOk || !common) return joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, a.memberId);
    }

    if (a.memberId === '') {
      const id = `${a.clientId || 'member'}-${randomUUID()}`;
      if (a.requireKnownMemberId) {
        // The member must come back with this id; forget it if it does not within its session.
        g.pending.set(id, setTimeout(() => this.dropPending(g, id), a.sessionTimeoutMs));
        return joinError(ErrorCode.MEMBER_ID_REQUIRED, id);
      }
      return this.addAndHold(g, a, id);
    }
    const pendingTimer = g.pending.get(a.memberId);
    if (pendingTimer) {
      clearTimeout(pendingTimer);
      g.pending.delete(a.memberId);
      return this.addAndHold(g, a, a.memberId);
    }
    const m = g.members.get(a.memberId);
    if (!m) return joinError(ErrorCode.UNKNOWN_MEMBER_ID, a.memberId);

    const unchanged = sameProtocols(m.protocols, a.protocols);
    m.sessionTimeoutMs = a.sessionTimeoutMs;
    m.rebalanceTimeoutMs = a.rebalanceTimeoutMs;
    m.clientId = a.clientId;
    m.clientHost = a.clientHost;
    if (unchanged && (g.state === 'CompletingRebalance' || (g.state === 'Stable' && m.id !== g.leader))) {
      // A repeated join that changes nothing: answer with the current generation.
      this.touch(g, m);
      return this.joinAnswer(g, m);
    }
    m.protocols = a.protocols;
    m.topics = subscribedTopics(a.protocolType, a.protocols[0]!.metadata);
    return this.hold(g, m);
  }

  private addAndHold(g: Group, a: JoinArgs, id: string): Promise<JoinResult> {
    const m: Member = {
      id,
      instanceId: a.instanceId,
      clientId: a.clientId,
      clientHost: a.clientHost,
      topics: subscribedTopics(a.protocolType, a.protocols[0]!.metadata),
      sessionTimeoutMs: a.sessionTimeoutMs,
      rebalanceTimeoutMs: a.rebalanceTimeoutMs,
      protocolType: a.protocolType,
      protocols: a.protocols,
      assignment: EMPTY,
      joinWaiter: null,
      syncWaiter: null,
      sessionTimer: null,
    };
    g.members.set(id, m);
    g.protocolType ??= a.protocolType;
    return this.hold(g, m);
  }

  /** Hold m's join reply until the rebalance completes. */
  private hold(g: Group, m: Member): Promise<JoinResult> {
    const reply = new Promise<JoinResult>((resolve) => {
      m.joinWaiter?.(joinError(ErrorCode.REBALANCE_IN_PROGRESS, m.id));
      m.joinWaiter = resolve;
    });
    // While its join is held the member is governed by the rebalance timer, not its session.
    if (m.sessionTimer) clearTimeout(m.sessionTimer);
    m.sessionTimer = null;
    if (g.state !== 'PreparingRebalance') this.prepareRebalance(g, `member ${m.id} joined`);
    this.tryCompleteJoin(g);
    return reply;
  }

  private prepareRebalance(g: Group, reason: string): void {
    for (const m of g.members.values()) {
      m.syncWaiter?.({ error: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
      m.syncWaiter = null;
    }
    g.state = 'PreparingRebalance';
    let timeout = 0;
    for (const m of g.members.values()) timeout = Math.max(timeout, m.rebalanceTimeoutMs);
    if (g.rebalanceTimer) clearTimeout(g.rebalanceTimer);
    g.rebalanceTimer = setTimeout(() => this.completeJoin(g), timeout);
    this.logger.debug({ group: g.id, reason }, 'preparing rebalance');
    const topics = this.rejoinTopics();
    if (topics) this.onRebalance(topics);
  }

  private tryCompleteJoin(g: Group): void {
    if (g.state !== 'PreparingRebalance' || g.pending.size > 0) return;
    for (const m of g.members.values()) if (!m.joinWaiter) return;
    this.completeJoin(g);
  }

  private completeJoin(g: Group): void {
    if (g.rebalanceTimer) clearTimeout(g.rebalanceTimer);
    g.rebalanceTimer = null;
    for (const m of [...g.members.values()]) if (!m.joinWaiter) this.removeMember(g, m, 'did not rejoin in time', false);
    g.generation++;
    if (g.members.size === 0) {
      g.state = 'Empty';
      g.leader = g.protocol = g.protocolType = null;
      return;
    }
    const members = [...g.members.values()];
    g.protocol = chooseProtocol(members) ?? members[0]!.protocols[0]!.name;
    if (!g.leader || !g.members.has(g.leader)) g.leader = members[0]!.id;
    g.state = 'CompletingRebalance';
    this.logger.info({ group: g.id, generation: g.generation, members: members.length }, 'group rebalanced');
    for (const m of members) {
      m.assignment = EMPTY;
      const waiter = m.joinWaiter!;
      m.joinWaiter = null;
      this.touch(g, m);
      waiter(this.joinAnswer(g, m));
    }
  }

  private joinAnswer(g: Group, m: Member): JoinResult {
    const isLeader = m.id === g.leader;
    return {
      error: 0,
      generation: g.generation,
      protocol: g.protocol ?? '',
      leader: g.leader ?? '',
      memberId: m.id,
      members: isLeader
        ? [...g.members.values()].map((x) => ({
            memberId: x.id,
            instanceId: x.instanceId,
            metadata: x.protocols.find((p) => p.name === g.protocol)?.metadata ?? EMPTY,
          }))
        : [],
    };
  }

  /** Restart m's session timer. */
  private touch(g: Group, m: Member): void {
    if (m.sessionTimer) clearTimeout(m.sessionTimer);
    m.sessionTimer = setTimeout(() => {
      m.sessionTimer = null;
      this.removeMember(g, m, 'session timeout', true);
    }, m.sessionTimeoutMs);
  }

  private dropPending(g: Group, id: string): void {
    g.pending.delete(id);
    this.tryCompleteJoin(g);
  }

  private removeMember(g: Group, m: Member, reason: string, rebalance: boolean): void {
    if (g.members.get(m.id) !== m) return;
    g.members.delete(m.id);
    if (m.sessionTimer) clearTimeout(m.sessionTimer);
    m.sessionTimer = null;
    m.joinWaiter?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, m.id));
    m.syncWaiter?.({ error: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    m.joinWaiter = m.syncWaiter = null;
    this.logger.info({ group: g.id, member: m.id, reason }, 'member left group');
    if (!rebalance) return;
    if (g.state === 'PreparingRebalance') this.tryCompleteJoin(g);
    else if (g.members.size === 0) {
      if (g.rebalanceTimer) clearTimeout(g.rebalanceTimer);
      g.rebalanceTimer = null;
      g.generation++;
      g.state = 'Empty';
      g.leader = g.protocol = g.protocolType = null;
    } else this.prepareRebalance(g, `member ${m.id} left: ${reason}`);
  }

  /** Common checks for Sync/Heartbeat/Commit: 0, 25 or 22. */
  private check(g: Group | undefined, memberId: string, generation: number): number {
    if (!g || !g.members.has(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generation !== g.generation) return ErrorCode.ILLEGAL_GENERATION;
    return 0;
  }

  sync(groupId: string, generation: number, memberId: string, assignments: { memberId: string; assignment: Buffer }[]): SyncResult | Promise<SyncResult> {
    const g = this.groups.get(groupId);
    const error = this.check(g, memberId, generation);
    if (error) return { error, assignment: EMPTY };
    const m = g!.members.get(memberId)!;
    if (g!.state === 'PreparingRebalance') return { error: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY };
    this.touch(g!, m);
    if (g!.state === 'Stable') return { error: 0, assignment: m.assignment };
    const reply = new Promise<SyncResult>((resolve) => {
      m.syncWaiter = resolve;
    });
    if (memberId === g!.leader) {
      const given = new Map(assignments.map((x) => [x.memberId, x.assignment]));
      g!.state = 'Stable';
      for (const x of g!.members.values()) {
        x.assignment = Buffer.from(given.get(x.id) ?? EMPTY); // copy: do not pin the request frame
        x.syncWaiter?.({ error: 0, assignment: x.assignment });
        x.syncWaiter = null;
      }
    }
    return reply;
  }

  heartbeat(groupId: string, generation: number, memberId: string): number {
    const g = this.groups.get(groupId);
    const error = this.check(g, memberId, generation);
    if (error) return error;
    this.touch(g!, g!.members.get(memberId)!);
    return g!.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : 0;
  }

  leave(groupId: string, memberId: string): number {
    const g = this.groups.get(groupId);
    const m = g?.members.get(memberId);
    if (!g || !m) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.removeMember(g, m, 'left the group', true);
    return 0;
  }

  /** May this commit be stored? (gen -1 = a simple/admin commit, only when nobody is in the group) */
  checkCommit(groupId: string, generation: number, memberId: string): number {
    const g = this.groups.get(groupId);
    if (generation < 0 && (!g || g.members.size === 0)) return 0;
    const error = this.check(g, memberId, generation);
    if (error) return error;
    this.touch(g!, g!.members.get(memberId)!);
    return g!.state === 'CompletingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : 0;
  }

  /**
   * Topics of members that still have to rejoin a rebalancing group (null when none). kafkajs
   * heartbeats only between fetches, so fetches on these topics get short polls meanwhile.
   */
  rejoinTopics(): Set<string> | null {
    let out: Set<string> | null = null;
    for (const g of this.groups.values()) {
      if (g.state !== 'PreparingRebalance') continue;
      for (const m of g.members.values()) {
        if (m.joinWaiter) continue;
        out ??= new Set();
        for (const t of m.topics) out.add(t);
      }
    }
    return out;
  }

  close(): void {
    for (const g of this.groups.values()) {
      if (g.rebalanceTimer) clearTimeout(g.rebalanceTimer);
      for (const t of g.pending.values()) clearTimeout(t);
      for (const m of g.members.values()) if (m.sessionTimer) clearTimeout(m.sessionTimer);
    }
    this.groups.clear();
  }
}
