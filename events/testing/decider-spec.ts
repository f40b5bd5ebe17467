import { expect } from 'vitest';
import { foldEvents, type Decider } from '@tributary/contracts';

/**
 * Given/when/then specifications for deciders, in the style of emmett's DeciderSpecification:
 *
 *   const given = DeciderSpecification.for(orderDecider);
 *   given([orderPlaced]).when(confirmOrder).then([orderConfirmed]);
 *   given([])(cancelOrder).thenThrows(OrderNotFoundError);
 *
 * `given` folds the events into state with `evolve`; `when` runs `decide` on that state.
 */

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

export interface DeciderThen<Event> {
  /** Asserts that `decide` returned exactly these events (deep equality, in order). */
  then(expected: Event | readonly Event[]): void;
  /** Asserts that `decide` accepted the command without emitting anything (e.g. an idempotent retry). */
  thenNothingHappened(): void;
  /** Asserts that `decide` threw an instance of `errorClass` (satisfying `predicate`); returns it. */
  thenThrows<E extends Error>(errorClass: ErrorClass<E>, predicate?: (error: E) => boolean): E;
}

export type DeciderWhen<Command, Event> = ((command: Command) => DeciderThen<Event>) & {
  when(command: Command): DeciderThen<Event>;
};

export type DeciderGiven<Command, Event> = (given?: Event | readonly Event[]) => DeciderWhen<Command, Event>;

export const DeciderSpecification = {
  for<Command, State, Event>(decider: Decider<Command, State, Event>): DeciderGiven<Command, Event> {
    return (given = []) => {
      const history = asArray(given);
      const when = (command: Command): DeciderThen<Event> => {
        // Run lazily, inside the assertion, so a throwing decide is reported by the right method.
        const run = () => decider.decide(command, foldEvents(decider, history));
        return {
          then(expected) {
            expect(run()).toEqual(asArray(expected));
          },
          thenNothingHappened() {
            expect(run()).toEqual([]);
          },
          thenThrows<E extends Error>(errorClass: ErrorClass<E>, predicate?: (error: E) => boolean): E {
            let thrown: unknown;
            let returned: Event[] | undefined;
            // Folded outside the try: a throwing evolve must not pass for the expected decision.
            const state = foldEvents(decider, history);
            try {
              returned = decider.decide(command, state);
            } catch (error) {
              thrown = error;
            }
            expect(returned, `decide returned events instead of throwing ${errorClass.name}`).toBeUndefined();
            expect(thrown).toBeInstanceOf(errorClass);
            const error = thrown as E;
            if (predicate) expect(predicate(error), `predicate rejected ${String(error)}`).toBe(true);
            return error;
          },
        };
      };
      return Object.assign(when, { when });
    };
  },
};

function asArray<T>(value: T | readonly T[]): readonly T[] {
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}
