// Email goes through GOV.UK Notify when an API key is configured, else SMTP when a URL is, else it
// stays in the local outbox, which partnership administrators can read in the app. Every message is
// recorded in the outbox either way; bodies sent through a provider are not kept, as they may hold
// one-time links.
import { NotifyClient } from 'notifications-node-client';
import nodemailer from 'nodemailer';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Config } from '../../config.ts';

export interface Message {
  to: string;
  subject: string;
  body: string;
  partnershipId?: string | null;
}

export interface Mailer {
  readonly transport: 'notify' | 'smtp' | 'outbox';
  send(db: Kysely<DB>, message: Message): Promise<void>;
}

type Deliver = (m: Message) => Promise<void>;

export function createMailer(mail: Config['mail']): Mailer {
  let transport: Mailer['transport'] = 'outbox';
  let deliver: Deliver | null = null;
  if (mail.notifyApiKey && mail.notifyTemplateId) {
    transport = 'notify';
    const client = new NotifyClient(mail.notifyApiKey);
    const templateId = mail.notifyTemplateId;
    deliver = async (m) => {
      await client.sendEmail(templateId, m.to, { personalisation: { subject: m.subject, body: m.body } });
    };
  } else if (mail.smtpUrl) {
    transport = 'smtp';
    const smtp = nodemailer.createTransport(mail.smtpUrl);
    deliver = async (m) => {
      await smtp.sendMail({ from: mail.from, to: m.to, subject: m.subject, text: m.body });
    };
  }
  return {
    transport,
    async send(db, m) {
      let status: 'stored' | 'sent' | 'failed' = 'stored';
      let error: string | null = null;
      if (deliver) {
        try {
          await deliver(m);
          status = 'sent';
        } catch (err) {
          status = 'failed';
          error = err instanceof Error ? err.message.slice(0, 500) : 'delivery failed';
        }
      }
      await db
        .insertInto('outbox_messages')
        .values({
          partnership_id: m.partnershipId ?? null,
          to_address: m.to,
          subject: m.subject,
          body: deliver ? `(sent through ${transport}; the body is not kept)` : m.body,
          transport,
          status,
          error,
        })
        .execute();
    },
  };
}
