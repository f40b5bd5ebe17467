/**
 * Remembers, per group member, the partitions of the latest GROUP_JOIN event (kafkajs's
 * `memberAssignment`) and how many joins it has seen, so a test can wait for "every partition
 * owned by exactly one of these members, each of which joined after event X".
 */
export class AssignmentTracker {
  private readonly latest = new Map<string, { partitions: number[]; joins: number }>();

  constructor(private readonly topic: string) {}

  record(member: string, assignment: Record<string, number[]>): void {
    const previous = this.latest.get(member);
    const partitions = [...(assignment[this.topic] ?? [])].sort((a, b) => a - b);
    this.latest.set(member, { partitions, joins: (previous?.joins ?? 0) + 1 });
  }

  joins(member: string): number {
    return this.latest.get(member)?.joins ?? 0;
  }

  partitionsOf(member: string): number[] {
    return this.latest.get(member)?.partitions ?? [];
  }

  /** partition -> members whose latest assignment includes it (only among `members`). */
  owners(members: string[]): Map<number, string[]> {
    const owners = new Map<number, string[]>();
    for (const member of members) {
      for (const partition of this.partitionsOf(member)) {
        owners.set(partition, [...(owners.get(partition) ?? []), member]);
      }
    }
    return owners;
  }

  /**
   * True when partitions 0..count-1 are each owned by exactly one of `members`, and every one of
   * `members` owns at least one (so a member that has not joined yet cannot pass as settled).
   */
  coversExactly(members: string[], count: number): boolean {
    if (members.some((member) => this.partitionsOf(member).length === 0)) return false;
    const owners = this.owners(members);
    if (owners.size !== count) return false;
    for (let p = 0; p < count; p++) if (owners.get(p)?.length !== 1) return false;
    return true;
  }
}
