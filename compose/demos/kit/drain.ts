import { COMMITS_COLLECTION } from '@tributary/bus';
import type { LagProbe } from './lag.ts';
import type { DemoSession, ServiceName } from './session.ts';

/**
 * "The stack has drained": every service's outbox has handed its commits to Kafka and every
 * consumer group has read everything, twice in a row (a commit appended by the last reaction
 * between two looks would otherwise slip through). Only then are the stores worth judging.
 */

const SERVICES: ServiceName[] = ['order', 'inventory', 'payment', 'notification'];

async function unpublishedCommits(session: DemoSession): Promise<number> {
  const counts = await Promise.all(
    SERVICES.map(async (service) => (await session.db(service)).collection(COMMITS_COLLECTION).countDocuments({ published: false }, { maxTimeMS: 5_000 })),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

export interface DrainResult {
  drained: boolean;
  /** What was still outstanding at the last look (when not drained). */
  outstanding: string;
}

export async function waitForDrain(session: DemoSession, probe: LagProbe, deadline: number): Promise<DrainResult> {
  let quietLooks = 0;
  let outstanding = 'not looked yet';
  while (Date.now() < deadline) {
    const lag = await probe.sample();
    const pending = await unpublishedCommits(session).catch(() => Number.NaN);
    quietLooks = !lag.brokerDown && lag.total === 0 && pending === 0 ? quietLooks + 1 : 0;
    if (quietLooks >= 2) return { drained: true, outstanding: '' };
    outstanding = `${lag.brokerDown ? 'broker down' : `lag ${lag.total}`}, ${Number.isNaN(pending) ? 'outbox unreadable' : `${pending} commits not yet published`}`;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return { drained: false, outstanding };
}
