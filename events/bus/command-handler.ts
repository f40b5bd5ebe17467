import {
  createEnvelope,
  foldEvents,
  type Actor,
  type AnyEventEnvelope,
  type Decider,
  type DomainEvent,
  type EventType,
} from '@tributary/contracts';
import { ConcurrencyError } from './errors.ts';
import type { EventStore } from './event-store.ts';

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

export interface CommandResult<State> {
  state: State;
  /** Every event of the stream after the command, stored ones first. */
  stream: AnyEventEnvelope[];
  /** What this command appended (empty when the decider decided nothing). */
  appended: AnyEventEnvelope[];
}

function toDomainEvent(envelope: AnyEventEnvelope): DomainEvent {
  return { type: envelope.type, data: envelope.data } as DomainEvent;
}

/**
 * Runs one command against one stream, the application service of every aggregate: read the
 * stream, fold it into state, decide, wrap the new events in envelopes and append them at the
 * head that was read. A ConcurrencyError means another command won the race; the whole cycle
 * runs again on the new state (the decision may differ), up to `maxAttempts`.
 */
export async function handleCommand<Command, State, Event extends DomainEvent>(
  deps: CommandHandlerDeps,
  decider: Decider<Command, State, Event>,
  streamId: string,
  command: Command | ((state: State) => Command),
  metadata: CommandMetadata,
): Promise<CommandResult<State>> {
  const maxAttempts = deps.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const stream = await deps.store.readStream(streamId);
    const state = foldEvents(decider, stream.map((envelope) => toDomainEvent(envelope) as Event));
    const resolved = typeof command === 'function' ? (command as (state: State) => Command)(state) : command;
    const decided = decider.decide(resolved, state);
    if (decided.length === 0) return { state, stream, appended: [] };

    const occurredAt = deps.now().toISOString();
    const appended = decided.map((event, index) =>
      createEnvelope(event as DomainEvent<EventType>, {
        id: deps.newId(),
        aggregateId: streamId,
        aggregateVersion: stream.length + index + 1,
        occurredAt,
        ...metadata,
      }),
    );
    try {
      await deps.store.append(streamId, stream.length, appended);
    } catch (error) {
      if (error instanceof ConcurrencyError && attempt < maxAttempts) continue;
      throw error;
    }
    const newState = decided.reduce((current, event) => decider.evolve(current, event), state);
    return { state: newState, stream: [...stream, ...appended], appended };
  }
}
