import { AssignerProtocol, type Admin } from 'kafkajs';

/**
 * Which replica owns which partitions, as the broker's group coordinator sees it (DescribeGroups,
 * each member's assignment decoded). A member is known by its member id only: every replica of a
 * service connects with the same kafkajs clientId (the service's name) from the same host, so the
 * demo tells replicas apart by when their member appeared (see createReplicaNames).
 */

export interface GroupMember {
  memberId: string;
  clientId: string;
  clientHost: string;
  /** topic -> partitions, sorted */
  partitions: Record<string, number[]>;
}

export interface GroupState {
  groupId: string;
  /** The coordinator's state: Stable once every member has its assignment. */
  state: string;
  members: GroupMember[];
}

export async function describeAssignments(admin: Admin, groupIds: readonly string[]): Promise<GroupState[]> {
  const { groups } = await admin.describeGroups([...groupIds]);
  return groups.map((group) => ({
    groupId: group.groupId,
    state: group.state,
    members: group.members.map((member) => ({
      memberId: member.memberId,
      clientId: member.clientId,
      clientHost: member.clientHost,
      partitions: decodeAssignment(member.memberAssignment),
    })),
  }));
}

function decodeAssignment(buffer: Buffer): Record<string, number[]> {
  // An empty assignment (a member that joined but has not synced yet) decodes to null.
  const decoded = buffer.length > 0 ? AssignerProtocol.MemberAssignment.decode(buffer) : null;
  const out: Record<string, number[]> = {};
  for (const [topic, partitions] of Object.entries(decoded?.assignment ?? {})) out[topic] = [...partitions].sort((a, b) => a - b);
  return out;
}

/** The consumer groups of a service: the kit names them `<service>.<consumer>` (events/service/service.ts). */
export async function serviceGroups(admin: Admin, service: string): Promise<string[]> {
  const { groups } = await admin.listGroups();
  return groups.map((group) => group.groupId).filter((id) => id.startsWith(`${service}.`)).sort();
}

export async function partitionCounts(admin: Admin, topics: readonly string[]): Promise<Map<string, number>> {
  const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
  return new Map(metadata.topics.map((topic) => [topic.name, topic.partitions.length]));
}

/**
 * Polls until every group is Stable with exactly `members` members that together own every
 * partition of their topics (a rebalance finished), or throws at the deadline naming the group.
 */
export async function waitForRebalance(
  admin: Admin,
  groupIds: readonly string[],
  options: { members: number; partitions: ReadonlyMap<string, number>; deadline: number; pollMs?: number },
): Promise<GroupState[]> {
  let last: GroupState[] = [];
  while (Date.now() < options.deadline) {
    last = await describeAssignments(admin, groupIds);
    if (last.every((group) => isSettled(group, options.members, options.partitions))) return last;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
  }
  const unsettled = last.filter((group) => !isSettled(group, options.members, options.partitions));
  throw new Error(
    `rebalance did not finish in time: ${unsettled.map((group) => `${group.groupId} is ${group.state} with ${group.members.length} members`).join('; ')} (wanted ${options.members})`,
  );
}

function isSettled(group: GroupState, members: number, partitions: ReadonlyMap<string, number>): boolean {
  if (group.state !== 'Stable' || group.members.length !== members) return false;
  const owned = new Map<string, number>();
  for (const member of group.members) {
    for (const [topic, list] of Object.entries(member.partitions)) owned.set(topic, (owned.get(topic) ?? 0) + list.length);
  }
  return owned.size > 0 && [...owned].every(([topic, count]) => count === partitions.get(topic));
}

/**
 * Member id -> replica name, learned by difference: after a replica joins and the group settles,
 * the one member id not seen before is that replica's. Member ids survive rebalances (a member
 * rejoins with its id), so a name, once learned, stays right until that replica stops.
 */
export interface ReplicaNames {
  /** Names every member not seen before `replica`; with two or more new ones per group, `replica?`. */
  learn(groups: readonly GroupState[], replica: string): void;
  nameOf(memberId: string): string;
}

export function createReplicaNames(): ReplicaNames {
  const names = new Map<string, string>();
  return {
    learn(groups, replica) {
      for (const group of groups) {
        const fresh = group.members.filter((member) => !names.has(member.memberId));
        for (const member of fresh) names.set(member.memberId, fresh.length === 1 ? replica : `${replica}?`);
      }
    },
    nameOf: (memberId) => names.get(memberId) ?? `unknown member ${memberId.slice(-8)}`,
  };
}

/** Rows for renderTable: group, replica, and its partitions per topic. */
export const ASSIGNMENT_HEADERS = ['consumer group', 'replica', 'partitions'];

export function assignmentRows(groups: readonly GroupState[], names: ReplicaNames): string[][] {
  return groups.flatMap((group) =>
    group.members
      .map((member) => [group.groupId, names.nameOf(member.memberId), formatPartitions(member.partitions)])
      .sort((a, b) => a[1]!.localeCompare(b[1]!)),
  );
}

export function formatPartitions(partitions: Record<string, number[]>): string {
  const topics = Object.entries(partitions);
  if (topics.length === 0) return '(none)';
  return topics.map(([topic, list]) => `${topic} [${list.join(',')}]`).join('  ');
}

/** Per replica: how many partitions it owns over all the groups (for the summary table). */
export function partitionsPerReplica(groups: readonly GroupState[], names: ReplicaNames): Map<string, number> {
  const counts = new Map<string, number>();
  for (const member of groups.flatMap((group) => group.members)) {
    const name = names.nameOf(member.memberId);
    counts.set(name, (counts.get(name) ?? 0) + Object.values(member.partitions).reduce((sum, list) => sum + list.length, 0));
  }
  return counts;
}
