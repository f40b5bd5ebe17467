import { assertNever, type CancellationReason, type Money } from '@tributary/contracts';
import type { NotificationTemplate, NotificationTrigger } from './triggers.ts';

/** What the customer reads. */
export interface RenderedEmail {
  subject: string;
  text: string;
}

/**
 * Subjects depend on the template and the order only: the read model rebuilds them from
 * NotificationSent, which records the template, not the text. Details go in the body.
 */
const SUBJECTS: Record<NotificationTemplate, (orderId: string) => string> = {
  'order-confirmed': (orderId) => `Your order ${orderId} is confirmed`,
  'order-cancelled': (orderId) => `Your order ${orderId} was cancelled`,
  'payment-refunded': (orderId) => `Your refund for order ${orderId}`,
  'order-shipped': (orderId) => `Your order ${orderId} is on its way`,
};

const REASON_IN_WORDS: Record<CancellationReason, string> = {
  OUT_OF_STOCK: 'some of the items are out of stock',
  PAYMENT_DECLINED: 'the payment was declined',
  CUSTOMER_REQUEST: 'you asked us to cancel it',
  TIMEOUT: 'it could not be completed in time',
};

const SIGNATURE = '\n\n-- \nTributary';

export const NOTIFICATION_TEMPLATES = Object.keys(SUBJECTS) as NotificationTemplate[];

export function isNotificationTemplate(value: string): value is NotificationTemplate {
  return Object.hasOwn(SUBJECTS, value);
}

export function subjectOf(template: NotificationTemplate, orderId: string): string {
  return SUBJECTS[template](orderId);
}

export function reasonInWords(reason: CancellationReason): string {
  return REASON_IN_WORDS[reason];
}

/** Money is stored in minor units; the currency says how many of them make one unit (2 for EUR, 0 for JPY). */
export function formatMoney(money: Money): string {
  const format = new Intl.NumberFormat('en', { style: 'currency', currency: money.currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(money.amount / 10 ** digits);
}

export function renderEmail(trigger: NotificationTrigger): RenderedEmail {
  const subject = subjectOf(trigger.template, trigger.orderId);
  return { subject, text: body(trigger) + SIGNATURE };
}

function body(trigger: NotificationTrigger): string {
  switch (trigger.template) {
    case 'order-confirmed':
      return `Thank you! We received your payment and confirmed order ${trigger.orderId}.\nWe will write again when it ships.`;
    case 'order-cancelled':
      return (
        `We are sorry: order ${trigger.orderId} was cancelled because ${reasonInWords(trigger.reason)}.\n` +
        `Details: ${trigger.detail}\n` +
        'If you were charged, a separate message confirms your refund.'
      );
    case 'payment-refunded':
      return `We refunded ${formatMoney(trigger.amount)} for order ${trigger.orderId}.\nYour bank may take a few days to show it.`;
    case 'order-shipped':
      return `Good news: order ${trigger.orderId} has shipped and is on its way to you.`;
    default:
      return assertNever(trigger, 'notification trigger');
  }
}
