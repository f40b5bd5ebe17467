import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './repo-paths.ts';

export type ChildConsumerReport =
  | { type: 'join'; memberId: string; assignment: Record<string, number[]> }
  | { type: 'message'; partition: number; offset: string; key: string | null; value: string | null };

export interface ChildConsumer {
  child: ChildProcess;
  joins: Array<Extract<ChildConsumerReport, { type: 'join' }>>;
  messages: Array<Extract<ChildConsumerReport, { type: 'message' }>>;
  /** SIGKILL: no LeaveGroup, no commit; the broker only learns through the session timeout. */
  kill(): Promise<void>;
}

const script = fileURLToPath(new URL('./child-consumer-main.ts', import.meta.url));

/**
 * Starts one kafkajs group member in a child process (see child-consumer-main.ts); `onReport`
 * sees every join and message as it arrives (they are also collected on the handle).
 */
export function forkChildConsumer(
  address: string,
  groupId: string,
  topic: string,
  onReport: (report: ChildConsumerReport) => void = () => {},
): ChildConsumer {
  const child = fork(script, [address, groupId, topic], {
    cwd: repoRoot,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const joins: ChildConsumer['joins'] = [];
  const messages: ChildConsumer['messages'] = [];
  child.on('message', (report: ChildConsumerReport) => {
    if (report.type === 'join') joins.push(report);
    else messages.push(report);
    onReport(report);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    joins,
    messages,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
