import { handleCommand, type CommandHandlerDeps, type CommandMetadata } from '@tributary/bus';
import { foldEvents, type DomainEvent } from '@tributary/contracts';
import { reservationDecider, type LineOutcome, type ReservationEvent, type ReservationState } from '../domain/reservation.ts';

/** The reservation's application service (stream id = order id). Only the saga drives it. */
export function createReservationCommands(deps: CommandHandlerDeps) {
  return {
    async stateOf(orderId: string): Promise<ReservationState> {
      const stream = await deps.store.readStream(orderId);
      return foldEvents(reservationDecider, stream.map((e) => ({ type: e.type, data: e.data }) as DomainEvent as ReservationEvent));
    },

    /** Records the order's one decision from its line outcomes; returns the state after it. */
    async decide(orderId: string, lines: LineOutcome[], metadata: CommandMetadata): Promise<ReservationState> {
      const result = await handleCommand(deps, reservationDecider, orderId, { type: 'DecideReservation', data: { orderId, lines, now: deps.now() } }, metadata);
      return result.state;
    },

    async release(orderId: string, metadata: CommandMetadata): Promise<ReservationState> {
      const result = await handleCommand(deps, reservationDecider, orderId, { type: 'ReleaseReservation', data: { orderId, now: deps.now() } }, metadata);
      return result.state;
    },
  };
}

export type ReservationCommands = ReturnType<typeof createReservationCommands>;
