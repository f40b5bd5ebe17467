import { describe, expect, it } from 'vitest';
import type { Decider } from '@tributary/contracts';
import { DeciderSpecification } from './decider-spec.ts';

// A toy counter: the helper is tested on its own, apart from any real aggregate.
type Command = { type: 'Add'; by: number } | { type: 'Noop' };
type Event = { type: 'Added'; by: number };
class TooBigError extends Error {
  constructor(readonly total: number) {
    super(`total ${total} too big`);
  }
}
const counter: Decider<Command, number, Event> = {
  initialState: () => 0,
  evolve: (total, event) => total + event.by,
  decide: (command, total) => {
    if (command.type === 'Noop') return [];
    if (total + command.by > 10) throw new TooBigError(total + command.by);
    return [{ type: 'Added', by: command.by }];
  },
};
const given = DeciderSpecification.for(counter);

describe('DeciderSpecification', () => {
  it('passes when decide returns the expected events, in both call styles', () => {
    given([{ type: 'Added', by: 2 }]).when({ type: 'Add', by: 3 }).then([{ type: 'Added', by: 3 }]);
    given([])({ type: 'Add', by: 1 }).then({ type: 'Added', by: 1 });
    given()({ type: 'Noop' }).thenNothingHappened();
  });

  it('folds the given events into state before deciding', () => {
    given([{ type: 'Added', by: 6 }, { type: 'Added', by: 4 }])({ type: 'Add', by: 1 }).thenThrows(TooBigError, (e) => e.total === 11);
  });

  it('fails when the events differ', () => {
    expect(() => given([]).when({ type: 'Add', by: 1 }).then([{ type: 'Added', by: 2 }])).toThrow();
    expect(() => given([]).when({ type: 'Add', by: 1 }).thenNothingHappened()).toThrow();
  });

  it('fails when decide does not throw, throws something else, or the predicate says no', () => {
    expect(() => given([]).when({ type: 'Add', by: 1 }).thenThrows(TooBigError)).toThrow(/instead of throwing TooBigError/);
    expect(() => given([]).when({ type: 'Add', by: 11 }).thenThrows(RangeError)).toThrow();
    expect(() => given([]).when({ type: 'Add', by: 11 }).thenThrows(TooBigError, (e) => e.total === 12)).toThrow(/predicate/);
  });

  it('returns the thrown error for further assertions', () => {
    const error = given([]).when({ type: 'Add', by: 20 }).thenThrows(TooBigError);
    expect(error.message).toBe('total 20 too big');
  });
});
