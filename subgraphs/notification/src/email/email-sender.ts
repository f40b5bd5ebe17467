import type { Transporter } from 'nodemailer';
import type { RenderedEmail } from '../domain/index.ts';

/** Used when the configuration names no domain or sender (development and tests). */
export const EMAIL_DEFAULTS = {
  emailDomain: 'customers.tributary.test',
  from: 'Tributary <orders@tributary.test>',
} as const;

/** The address of a customer. There is no customer service yet, so it is derived from the id. */
export function recipientFor(customerId: string, emailDomain: string): string {
  return `${customerId}@${emailDomain}`;
}

/** The Message-ID of a notification's email: the same notification always gets the same one. */
export function messageIdFor(notificationId: string): string {
  return `<${notificationId}@tributary.local>`;
}

export interface OutgoingEmail extends RenderedEmail {
  notificationId: string;
  to: string;
}

export interface EmailSender {
  /** Resolves once the SMTP server accepted the message; rejects otherwise (the caller retries). */
  send(email: OutgoingEmail): Promise<void>;
}

/** Sends through any nodemailer transport (SMTP in production, the local sink in development). */
export function createEmailSender(transport: Transporter, options: { from: string }): EmailSender {
  return {
    async send(email) {
      const info: { rejected?: unknown[] } = await transport.sendMail({
        from: options.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        messageId: messageIdFor(email.notificationId),
      });
      // SMTP may accept the message but refuse its only recipient: that is not "sent".
      if (info.rejected && info.rejected.length > 0) throw new Error(`the SMTP server refused ${email.to}`);
    },
  };
}
