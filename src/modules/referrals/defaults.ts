// The demo partnership's referral types, shaped like LLR's real pathways: each goes to an agency of
// src/demo/partnership.ts (or lets the sender choose among some), with a short form of its own.
import type { Transaction } from 'kysely';
import type { DB, ReferralField } from '../../platform/db/schema.ts';

const q = (key: string, label: string, kind: ReferralField['kind'], required: boolean, extra: Partial<ReferralField> = {}): ReferralField => ({ key, label, kind, required, options: [], ...extra });

interface DemoType {
  name: string;
  description: string;
  /** Keys of organisations in src/demo/partnership.ts: one fixed receiver, or several to choose from. */
  to: string[];
  fields: ReferralField[];
}

export const DEMO_REFERRAL_TYPES: DemoType[] = [
  {
    name: 'Home fire safety check',
    description: 'Leicestershire Fire and Rescue Service visit the home to fit smoke alarms and advise on fire risks, including arson threats.',
    to: ['fire'],
    fields: [
      q('q1', 'Is there a working smoke alarm?', 'choice', true, { options: ['Yes', 'No', 'Not known'] }),
      q('q2', 'Has there been a threat of arson or anything put through the letterbox?', 'yesno', true),
      q('q3', 'Does anyone at the address smoke, use oxygen or have limited mobility?', 'textarea', false),
      q('q4', 'Best time to visit', 'text', false, { hint: 'For example, weekday mornings' }),
    ],
  },
  {
    name: 'Domestic abuse outreach',
    description: 'Specialist outreach and support for victims of domestic abuse.',
    to: ['victims', 'lcc'],
    fields: [
      q('q1', 'Is it safe to contact the person by phone?', 'yesno', true),
      q('q2', 'Safe contact details and times', 'textarea', true, { hint: 'How and when the service can contact them without the abuser knowing' }),
      q('q3', 'DASH risk level', 'choice', true, { options: ['Standard', 'Medium', 'High'] }),
    ],
  },
  {
    name: 'Victim service',
    description: 'Victim First support for victims of crime and anti-social behaviour.',
    to: ['victims'],
    fields: [
      q('q1', 'What support does the person want?', 'textarea', true),
      q('q2', 'Preferred contact method', 'choice', true, { options: ['Phone', 'Email', 'Letter', 'Visit'] }),
    ],
  },
  {
    name: 'Target hardening',
    description: 'Security improvements to a victim’s home: locks, door and window security, lighting, CCTV.',
    to: ['police', 'charnwood', 'hbbc', 'leicester'],
    fields: [
      q('q1', 'What is needed?', 'textarea', true, { hint: 'For example, door chain, window locks, a letterbox guard' }),
      q('q2', 'Is the person a tenant?', 'yesno', true),
      q('q3', 'Landlord or housing provider', 'text', false),
    ],
  },
  {
    name: 'Mental health',
    description: 'Referral to the integrated care board’s safeguarding team for mental health support.',
    to: ['health'],
    fields: [
      q('q1', 'What are the concerns?', 'textarea', true),
      q('q2', 'Is the person known to mental health services?', 'choice', true, { options: ['Yes', 'No', 'Not known'] }),
      q('q3', 'GP practice', 'text', false),
    ],
  },
  {
    name: 'Youth service',
    description: 'Leicestershire County Council youth and early help services for young people involved in, or at risk from, anti-social behaviour.',
    to: ['lcc'],
    fields: [
      q('q1', 'Young person’s school or college', 'text', false),
      q('q2', 'Are parents or carers aware of this referral?', 'yesno', true),
      q('q3', 'What would help?', 'textarea', true),
    ],
  },
];

export async function seedDemoReferralTypes(tx: Transaction<DB>, partnershipId: string, orgIds: Map<string, string>) {
  let sort = 0;
  for (const t of DEMO_REFERRAL_TYPES) {
    const ids = t.to.map((k) => orgIds.get(k)).filter((id): id is string => !!id);
    if (!ids.length) continue;
    await tx
      .insertInto('referral_types')
      .values({
        partnership_id: partnershipId,
        name: t.name,
        description: t.description,
        to_organisation_id: ids.length === 1 ? ids[0]! : null,
        allowed_organisation_ids: ids.length === 1 ? [] : ids,
        fields: JSON.stringify(t.fields),
        sort: sort++,
        updated_at: new Date(),
      })
      .execute();
  }
}
