import { expect } from 'vitest';
import type { AnyEventEnvelope } from '@tributary/contracts';

/**
 * Given/when/then specifications for single-stream projections, the read-side twin of
 * DeciderSpecification:
 *
 *   const given = ProjectionSpecification.for(productProjection);
 *   given([productAdded]).when(stockItemReserved).then({ ...view, reserved: 2 });
 *   given([]).when(stockItemReserved).thenThrows(Error);
 *
 * Envelopes are given as built (e.g. with makeEnvelope); `given` folds them with `evolve`, `when`
 * folds one more. Only events the projection handles are folded, as the projector would.
 */
interface ProjectionLike<V> {
  handles(envelope: AnyEventEnvelope): boolean;
  evolve(view: V | null, envelope: never): V;
}

export interface ProjectionThen<V> {
  /** Asserts the document after the event (deep equality). */
  then(expected: V | null): void;
  /** Asserts the document matches these fields (toMatchObject). */
  thenMatches(expected: Partial<V> | Record<string, unknown>): void;
  /** Asserts the projection does not handle the event: the document stays as it was. */
  thenIgnored(): void;
  thenThrows(errorClass: abstract new (...args: never[]) => Error): void;
}

export type ProjectionGiven<V> = (given?: readonly AnyEventEnvelope[]) => { when(event: AnyEventEnvelope): ProjectionThen<V> };

export const ProjectionSpecification = {
  for<V>(projection: ProjectionLike<V>): ProjectionGiven<V> {
    const fold = (view: V | null, event: AnyEventEnvelope): V | null =>
      projection.handles(event) ? projection.evolve(view, event as never) : view;
    return (given = []) => ({
      when(event) {
        const before = () => given.reduce<V | null>(fold, null);
        return {
          then(expected) {
            expect(fold(before(), event)).toEqual(expected);
          },
          thenMatches(expected) {
            expect(fold(before(), event)).toMatchObject(expected as object);
          },
          thenIgnored() {
            expect(projection.handles(event)).toBe(false);
          },
          thenThrows(errorClass) {
            // The history is folded outside the assertion: only the event under test may throw.
            const view = before();
            expect(() => fold(view, event)).toThrow(errorClass as never);
          },
        };
      },
    });
  },
};
