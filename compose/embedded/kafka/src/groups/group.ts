// Consumer-group data: members, held Join/Sync replies, timers. The state machine that moves
// these lives in group-coordinator.ts.

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable';

export interface ProtocolOffer {
  name: string;
  metadata: Buffer;
}

export interface JoinArgs {
  groupId: string;
  memberId: string;
  instanceId: string | null;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: ProtocolOffer[];
  clientId: string;
  clientHost: string;
  /** JoinGroup v4+: a member without id first gets one with MEMBER_ID_REQUIRED */
  requireKnownMemberId: boolean;
}

export interface JoinResult {
  error: number;
  generation: number;
  protocol: string;
  leader: string;
  memberId: string;
  members: { memberId: string; instanceId: string | null; metadata: Buffer }[];
}

export interface SyncResult {
  error: number;
  assignment: Buffer;
}

export interface Member {
  id: string;
  instanceId: string | null;
  clientId: string;
  clientHost: string;
  /** topics it subscribes to (consumer protocol), for cutting its long polls short in a rebalance */
  topics: string[];
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: ProtocolOffer[];
  assignment: Buffer;
  joinWaiter: ((r: JoinResult) => void) | null;
  syncWaiter: ((r: SyncResult) => void) | null;
  sessionTimer: NodeJS.Timeout | null;
}

export interface Group {
  id: string;
  state: GroupState;
  generation: number;
  protocolType: string | null;
  protocol: string | null;
  leader: string | null;
  members: Map<string, Member>;
  /** ids handed out with MEMBER_ID_REQUIRED, waiting for the member's second JoinGroup */
  pending: Map<string, NodeJS.Timeout>;
  rebalanceTimer: NodeJS.Timeout | null;
}

export function joinError(error: number, memberId: string): JoinResult {
  return { error, generation: -1, protocol: '', leader: '', memberId, members: [] };
}

export function newGroup(id: string): Group {
  return {
    id,
    state: 'Empty',
    generation: 0,
    protocolType: null,
    protocol: null,
    leader: null,
    members: new Map(),
    pending: new Map(),
    rebalanceTimer: null,
  };
}

export function sameProtocols(a: readonly ProtocolOffer[], b: readonly ProtocolOffer[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i]!.name && p.metadata.equals(b[i]!.metadata));
}

/** The protocol every member supports that most members list first (Kafka's vote). */
export function chooseProtocol(members: readonly Member[]): string | null {
  if (members.length === 0) return null;
  const common = members[0]!.protocols
    .map((p) => p.name)
    .filter((name) => members.every((m) => m.protocols.some((p) => p.name === name)));
  if (common.length === 0) return null;
  const votes = new Map<string, number>();
  for (const m of members) {
    const pick = m.protocols.find((p) => common.includes(p.name))!.name;
    votes.set(pick, (votes.get(pick) ?? 0) + 1);
  }
  let best = common[0]!;
  for (const name of common) if ((votes.get(name) ?? 0) > (votes.get(best) ?? 0)) best = name;
  return best;
}
