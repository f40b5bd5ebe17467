/**
 * The decider pattern (as in event-driven-io/emmett): business rules as two pure functions.
 * `decide` turns a command and the current state into new events (or throws a typed error);
 * `evolve` folds one event into the state. Nothing here performs I/O.
 */
export interface Decider<Command, State, Event> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  /** A function, so every stream starts from a fresh value nobody else has touched. */
  initialState(): State;
}

/** The state after a stream of events. */
export function foldEvents<State, Event>(
  decider: Pick<Decider<unknown, State, Event>, 'evolve' | 'initialState'>,
  events: Iterable<Event>,
): State {
  let state = decider.initialState();
  for (const event of events) state = decider.evolve(state, event);
  return state;
}

/** Ends an exhaustive switch: a new case that is not handled fails type-checking here. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
