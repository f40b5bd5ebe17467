import type { ExitInfo } from './processes.ts';
import type { Supervisor } from './supervisor.ts';

/**
 * Killing, restarting and adding children of a running stack, for demos and chaos tests. The
 * bookkeeping is the Supervisor's stages: a killed child stays in its stage (so stop() still
 * sweeps its process group), a restart takes its place with the very spec it was started with
 * (same port, args, data dir, env), and an added replica joins its subgraph's stage (so it stops
 * with the subgraphs, before the servers they use).
 */
export interface ProcessControl {
  /** Sends `signal` (default SIGKILL) to the named child's process group; its exit is expected (the stack does not end). Resolves when it has exited. */
  kill(name: string, signal?: NodeJS.Signals): Promise<ExitInfo>;
  /** Starts the named child again (after kill) with exactly the same spec: same port, args, data dir and env; resolves when it is ready again. */
  restart(name: string): Promise<void>;
  /** Starts one more replica of a subgraph (same database, same consumer groups, a free port), not routed by the gateway; resolves with its child name and URL. */
  addReplica(subgraph: string): Promise<{ name: string; url: string }>;
  /** Names of the children currently running, e.g. ['kafka','mongo','redis','payment-provider','smtp','order','inventory','inventory-2',...,'gateway']. */
  running(): string[];
}

export function createProcessControl(
  supervisor: Supervisor,
  /** Starts a replica of a running subgraph (subgraph-stage.ts) and records it. */
  addReplica: (subgraph: string) => Promise<{ name: string; url: string }>,
): ProcessControl {
  const find = (name: string) => {
    const entry = supervisor.entries().find(({ child }) => child.name === name);
    if (!entry) {
      const names = supervisor.children().map((child) => child.name);
      throw new Error(`the stack has no child named "${name}"; its children are ${names.join(', ')}`);
    }
    return entry;
  };
  return {
    async kill(name, signal = 'SIGKILL') {
      return find(name).child.kill(signal);
    },
    async restart(name) {
      const { child, stage } = find(name);
      // Two processes on one port or data dir would fight over it; the caller kills first.
      if (!child.hasExited()) throw new Error(`${name} is still running (pid ${child.pid}); kill it before restarting it`);
      await supervisor.startInStage(stage, child.spec, child);
    },
    addReplica,
    running() {
      return supervisor
        .children()
        .filter((child) => !child.hasExited())
        .map((child) => child.name);
    },
  };
}
