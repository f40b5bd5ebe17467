import { ChildStartError, startChild, type ChildSpec, type ExitInfo, type ManagedChild } from './processes.ts';

/** A child that exited while nobody asked it to. */
export interface UnexpectedExit {
  child: ManagedChild;
  info: ExitInfo;
}

/**
 * Keeps the started children in stages (start order) so they stop in reverse: gateway first,
 * then the subgraphs, then the servers they use. Notices the first unexpected exit, which aborts
 * a startup in progress and ends a running stack.
 */
export class Supervisor {
  private readonly stages: ManagedChild[][] = [];
  private stopping: Promise<void> | undefined;
  private resolveDeath!: (death: UnexpectedExit) => void;
  /** Resolves on the first child that exits on its own. */
  readonly death: Promise<UnexpectedExit>;

  constructor(
    private readonly graceMs: number,
    /** `stage`: the index of its start stage (children stop in reverse stage order). */
    private readonly onChildStarted: (child: ManagedChild, stage: number) => void | Promise<void> = () => {},
  ) {
    this.death = new Promise((resolve) => (this.resolveDeath = resolve));
  }

  /** Starts a stage's children together and waits until every one is ready (or one fails). */
  async startStage(specs: ChildSpec[]): Promise<{ child: ManagedChild; match: RegExpExecArray | null }[]> {
    this.refuseWhileStopping();
    const stageIndex = this.stages.push([]) - 1;
    const stage: ManagedChild[] = [];
    for (const spec of specs) stage.push(await this.spawn(spec, stageIndex));
    return this.untilReadyOrDeath(
      Promise.all(stage.map(async (child) => ({ child, match: await child.ready }))),
    );
  }

  /**
   * Starts one child into an existing stage, in the place of `replacing` (a restart) or after the
   * others (a replica), so it stops with that stage; waits until it is ready.
   */
  async startInStage(stageIndex: number, spec: ChildSpec, replacing?: ManagedChild): Promise<RegExpExecArray | null> {
    this.refuseWhileStopping();
    if (!this.stages[stageIndex]) throw new Error(`no start stage ${stageIndex}`);
    const child = await this.spawn(spec, stageIndex, replacing);
    return this.untilReadyOrDeath(child.ready);
  }

  private async spawn(spec: ChildSpec, stageIndex: number, replacing?: ManagedChild): Promise<ManagedChild> {
    const stage = this.stages[stageIndex] as ManagedChild[];
    const child = startChild(spec);
    const place = replacing ? stage.indexOf(replacing) : -1;
    if (place >= 0) stage[place] = child;
    else stage.push(child);
    await this.onChildStarted(child, stageIndex);
    void child.exited.then((info) => {
      if (!child.isStopping() && !this.stopping) this.resolveDeath({ child, info });
    });
    return child;
  }

  /** Runs a one-shot task (e.g. supergraph composition) and waits for it to exit 0. */
  async runTask(spec: Omit<ChildSpec, 'readyPattern'>): Promise<void> {
    this.refuseWhileStopping();
    const child = startChild(spec);
    try {
      await this.untilReadyOrDeath(child.ready);
    } finally {
      await child.stop(this.graceMs);
    }
  }

  /** Waits for `step`, but gives up as soon as any already started child dies. */
  async untilReadyOrDeath<T>(step: Promise<T>): Promise<T> {
    const died = this.death.then(({ child, info }) => {
      const how = info.signal ? `was killed by ${info.signal}` : `exited with code ${info.code}`;
      throw new ChildStartError(`${child.name} ${how} during startup`, child.name, child.lastLines());
    });
    return Promise.race([step, died]);
  }

  /** Startup was interrupted (Ctrl-C): start nothing new. */
  private refuseWhileStopping(): void {
    if (this.stopping) throw new Error('the stack is stopping');
  }

  isStopping(): boolean {
    return this.stopping !== undefined;
  }

  /** The current child of each name (a restarted one replaces the one it restarts), in start order. */
  children(): ManagedChild[] {
    return this.stages.flat();
  }

  /** Each current child with the index of its start stage. */
  entries(): { child: ManagedChild; stage: number }[] {
    return this.stages.flatMap((stage, index) => stage.map((child) => ({ child, stage: index })));
  }

  /** Stops every stage in reverse start order; the children of one stage stop together. Idempotent. */
  stopAll(): Promise<void> {
    this.stopping ??= (async () => {
      for (const stage of [...this.stages].reverse()) {
        await Promise.all(stage.map((child) => child.stop(this.graceMs)));
      }
    })();
    return this.stopping;
  }
}
