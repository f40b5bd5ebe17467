import { handleCommand, type CommandHandlerDeps, type EventStore } from '@tributary/bus';
import { foldEvents, type AnyEventEnvelope } from '@tributary/contracts';
import {
  notificationDecider,
  notificationIdFor,
  renderEmail,
  type NotificationEvent,
  type NotificationTrigger,
  type SendNotification,
} from '../domain/index.ts';
import { recipientFor, type EmailSender } from '../email/email-sender.ts';

export interface NotifierDeps {
  store: EventStore;
  commands: CommandHandlerDeps;
  sender: EmailSender;
  emailDomain: string;
  now: () => Date;
}

export type NotifyOutcome = 'sent' | 'already-sent';

/** The saga acts as 'system'; the causing event is both cause and trace of the notification. */
function metadataOf(cause: AnyEventEnvelope) {
  return {
    actor: { customerId: 'system', role: 'system' as const },
    correlationId: cause.correlationId,
    causationId: cause.id,
    ...(cause.traceparent ? { traceparent: cause.traceparent } : {}),
  };
}

/**
 * Sends the notification for `cause` once, whatever the redelivery:
 *
 * 1. the notification id comes from (cause id, template), so every delivery of the event names
 *    the same stream; if that stream already holds NotificationSent, there is nothing to do;
 * 2. otherwise the email goes out, with the notification id as its Message-ID;
 * 3. then NotificationSent is appended at version 0. If another delivery recorded it meanwhile,
 *    the append loses (ConcurrencyError); handleCommand then reads the stream again, and the
 *    decider, seeing it sent, decides nothing.
 *
 * Why send before recording: an email cannot be unsent, and recording first would lose the
 * email for good if the process died before sending (the event says "sent", nobody retries).
 * Sending first means a crash between 2 and 3 sends the email again on redelivery, but with the
 * SAME Message-ID, which the local sink and real mail systems use to drop the duplicate. So the
 * trade-off is: never lost, at worst re-sent under the same identity. Two deliveries racing
 * through step 1 at once (two consumer instances in a rebalance) have the same outcome.
 */
export function createNotifier(deps: NotifierDeps) {
  return async function notify(cause: AnyEventEnvelope, trigger: NotificationTrigger, customerId: string): Promise<NotifyOutcome> {
    const notificationId = notificationIdFor(cause.id, trigger.template);
    const command: SendNotification = {
      type: 'SendNotification',
      data: { notificationId, customerId, orderId: trigger.orderId, channel: 'email', template: trigger.template, triggeredBy: cause.id, now: deps.now() },
    };
    const stream = await deps.store.readStream(notificationId);
    const state = foldEvents(notificationDecider, stream.map((envelope) => ({ type: envelope.type, data: envelope.data }) as NotificationEvent));
    if (notificationDecider.decide(command, state).length === 0) return 'already-sent';

    const email = renderEmail(trigger);
    await deps.sender.send({ notificationId, to: recipientFor(customerId, deps.emailDomain), ...email });
    const result = await handleCommand(deps.commands, notificationDecider, notificationId, command, metadataOf(cause));
    return result.appended.length > 0 ? 'sent' : 'already-sent';
  };
}

export type Notifier = ReturnType<typeof createNotifier>;
