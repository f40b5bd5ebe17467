import {
  createEnvelope,
  type Actor,
  type AnyEventEnvelope,
  type Decider,
  type DomainEvent,
  type EventType,
} from '@tributary/contracts';
import { ConcurrencyError } from './errors.ts';
import type { EventStore } from './event-store.ts';
import type { SnapshotStore } from './snapshot-store.ts';

/** Where a command comes from: who sent it, which saga it belongs to, what caused it. */
export interface CommandMetadata {
  actor: Actor;
  /** The saga's id (the order id); a new saga starts with its own aggregate id. */
  correlationId: string;
  /** The id of the request, command or event that caused this one. */
  causationId: string;
  traceparent?: string;
}

export interface CommandHandlerDeps {
  store: EventStore;
  /** Time and ids come from outside so that tests can fix them. */
  now: () => Date;
  newId: () => string;
  /** Attempts when another writer moved the stream between our read and our append. */
  maxAttempts?: number;
}

/**
 * Opt-in snapshots for one aggregate's streams (only worth it for long-lived streams that every
 * command reads, e.g. a product written by every order). A snapshot is a cache: a missing, stale,
 * unreadable or failed-to-save one costs a longer read, never a wrong decision or a failed command.
 */
export interface CommandSnapshots<State> {
  store: SnapshotStore;
  /** Save a snapshot when a command's resulting version crosses a multiple of this (>= 1). */
  every: number;
  /** State -> plain JSON (no Maps, no class instances, no keys with dots or `$`). */
  serialize(state: State): unknown;
  /** Plain JSON -> state; throws when the document is unusable (it is then ignored). */
  deserialize(json: unknown): State;
  /** Told about a snapshot that could not be loaded or saved (the command goes on without it). */
  onError?(error: unknown, context: { streamId: string; operation: 'load' | 'save' }): void;
}

export interface CommandResult<State> {
  state: State;
  /**
   * The events of the stream after the command, stored ones first. Without snapshots that is the
   * whole stream. With snapshots it holds only the events read after the snapshot the command
   * started from, plus the appended ones: do not fold it into a view (use `state`, or run the
   * command without snapshots).
   */
  stream: AnyEventEnvelope[];
  /** What this command appended (empty when the decider decided nothing). */
  appended: AnyEventEnvelope[];
}

function toDomainEvent(envelope: AnyEventEnvelope): DomainEvent {
  return { type: envelope.type, data: envelope.data } as DomainEvent;
}

/** Where a command starts: the state at `version` and the stored events after it. */
interface Loaded<State> {
  version: number;
  state: State;
  events: AnyEventEnvelope[];
}

/**
 * Runs one command against one stream, the application service of every aggregate: read the
 * stream, fold it into state, decide, wrap the new events in envelopes and append them at the
 * head that was read. A ConcurrencyError means another command won the race; the whole cycle
 * runs again on the new state (the decision may differ), up to `maxAttempts`.
 *
 * With `snapshots` the read starts from the stream's snapshot (only the commits after it are
 * read and folded), and a command whose resulting version crosses a multiple of `every` saves a
 * new one after its append (best effort: the append already made the command durable).
 */
export async function handleCommand<Command, State, Event extends DomainEvent>(
  deps: CommandHandlerDeps & { snapshots?: CommandSnapshots<State> },
  decider: Decider<Command, State, Event>,
  streamId: string,
  command: Command | ((state: State) => Command),
  metadata: CommandMetadata,
): Promise<CommandResult<State>> {
  const maxAttempts = deps.maxAttempts ?? 5;
  const snapshots = deps.snapshots;
  if (snapshots && (!Number.isInteger(snapshots.every) || snapshots.every < 1)) {
    throw new RangeError(`snapshots.every must be an integer >= 1, got ${snapshots.every}`);
  }
  const report = (error: unknown, operation: 'load' | 'save') => {
    try {
      snapshots?.onError?.(error, { streamId, operation });
    } catch {
      // a failing reporter must not fail the command either
    }
  };
  const fold = (state: State, events: AnyEventEnvelope[]) =>
    events.reduce((current, envelope) => decider.evolve(current, toDomainEvent(envelope) as Event), state);

  let useSnapshot = snapshots !== undefined;
  /** The head a lost append reported: a consistent read after it sees at least this much. */
  let seenHead = 0;
  async function load(): Promise<Loaded<State>> {
    if (snapshots && useSnapshot) {
      let snapshot: { version: number; state: State } | null = null;
      try {
        const stored = await snapshots.store.load(streamId);
        if (stored) {
          if (!Number.isInteger(stored.version) || stored.version < 1) throw new Error(`snapshot of ${streamId} has a bad version ${String(stored.version)}`);
          snapshot = { version: stored.version, state: snapshots.deserialize(stored.state) };
        }
      } catch (error) {
        report(error, 'load');
      }
      if (snapshot) {
        const events = await deps.store.readStream(streamId, { afterVersion: snapshot.version });
        // Snapshots are taken at commit boundaries, so the first commit after one starts right
        // after it, and the head read is at least the one a lost append reported. Anything else
        // means the snapshot does not fit this stream's history (e.g. it lies inside a commit).
        const contiguous = events.every((envelope, index) => envelope.aggregateVersion === snapshot.version + index + 1);
        if (contiguous && snapshot.version + events.length >= seenHead) {
          return { version: snapshot.version, state: fold(snapshot.state, events), events };
        }
        useSnapshot = false;
        report(new Error(`snapshot of ${streamId} at version ${snapshot.version} does not fit the stream: ignored`), 'load');
      }
    }
    const events = await deps.store.readStream(streamId);
    return { version: 0, state: fold(decider.initialState(), events), events };
  }

  for (let attempt = 1; ; attempt++) {
    const { version: base, state, events: stream } = await load();
    const head = base + stream.length;
    const resolved = typeof command === 'function' ? (command as (state: State) => Command)(state) : command;
    const decided = decider.decide(resolved, state);
    if (decided.length === 0) return { state, stream, appended: [] };

    const occurredAt = deps.now().toISOString();
    const appended = decided.map((event, index) =>
      createEnvelope(event as DomainEvent<EventType>, {
        id: deps.newId(),
        aggregateId: streamId,
        aggregateVersion: head + index + 1,
        occurredAt,
        ...metadata,
      }),
    );
    try {
      await deps.store.append(streamId, head, appended);
    } catch (error) {
      if (error instanceof ConcurrencyError && attempt < maxAttempts) {
        if (error.actualVersion !== undefined) seenHead = Math.max(seenHead, error.actualVersion);
        // A head behind the snapshot: the snapshot is not of this stream (a reset database?).
        if (base > 0 && error.actualVersion !== undefined && error.actualVersion < base) {
          useSnapshot = false;
          report(new Error(`snapshot of ${streamId} at version ${base} is ahead of the stream head ${error.actualVersion}: ignored`), 'load');
        }
        continue;
      }
      throw error;
    }
    const newState = decided.reduce((current, event) => decider.evolve(current, event), state);
    const newVersion = head + decided.length;
    if (snapshots && Math.floor(newVersion / snapshots.every) > Math.floor(head / snapshots.every)) {
      try {
        await snapshots.store.save(streamId, newVersion, snapshots.serialize(newState));
      } catch (error) {
        report(error, 'save');
      }
    }
    return { state: newState, stream: [...stream, ...appended], appended };
  }
}
