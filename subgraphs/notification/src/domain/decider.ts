import { assertNever, type Decider } from '@tributary/contracts';
import { initialState, type NotificationCommand, type NotificationEvent, type NotificationState } from './notification.ts';

/**
 * Pure: sending is decided once. A notification already sent decides nothing, which is how a
 * redelivered event (or a second consumer racing the first) ends up as a no-op.
 */
export function decide(command: NotificationCommand, state: NotificationState): NotificationEvent[] {
  switch (command.type) {
    case 'SendNotification': {
      const { now, ...data } = command.data;
      if (state.status === 'SENT') {
        // The stream id is derived from the notification id: another id here is a wiring bug.
        if (state.notificationId !== data.notificationId) {
          throw new Error(`command for notification ${data.notificationId} was decided against ${state.notificationId}`);
        }
        return [];
      }
      if (Number.isNaN(now.getTime())) throw new TypeError('command.now must be a valid Date');
      return [{ type: 'NotificationSent', data: { ...data, sentAt: now.toISOString() } }];
    }
    default:
      return assertNever(command.type, 'notification command');
  }
}

/** Events are stored facts: evolve never throws, a second NotificationSent changes nothing. */
export function evolve(state: NotificationState, event: NotificationEvent): NotificationState {
  switch (event.type) {
    case 'NotificationSent': {
      if (state.status === 'SENT') return state;
      const { notificationId, template, sentAt } = event.data;
      return { status: 'SENT', notificationId, template, sentAt };
    }
    default:
      return assertNever(event.type, 'notification event');
  }
}

export const notificationDecider: Decider<NotificationCommand, NotificationState, NotificationEvent> = { decide, evolve, initialState };
