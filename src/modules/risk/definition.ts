// The shape of a stored risk questionnaire (risk_questionnaires.definition), checked on every load:
// partnerships add their own versions as data, so nothing about a questionnaire is assumed in code.
// The format is documented in docs/risk-questionnaires.md.
import { z } from 'zod';
import type { RiskBand } from '../../platform/db/schema.ts';

export const BANDS = ['standard', 'medium', 'high'] as const satisfies readonly RiskBand[];

/** standard < medium < high, for comparing bands. */
export const bandRank = (b: RiskBand) => BANDS.indexOf(b);

const key = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'keys are lower case letters, digits and underscores');
const band = z.enum(BANDS);
const condition = z.object({ question: key, answer: z.string().min(1) });

const question = z.object({
  key,
  text: z.string().min(1).max(500),
  hint: z.string().max(500).optional(),
  weight: z.number().int().min(0).max(100).optional(),
});

const section = z.object({
  key,
  title: z.string().min(1).max(200),
  description: z.string().max(1000).optional(),
  screening: z.boolean().optional(),
  questions: z.array(question).min(1).max(100),
});

const schema = z
  .object({
    format: z.literal(1),
    summary: z.string().max(2000).optional(),
    answerOptions: z
      .array(z.object({ value: key, label: z.string().min(1).max(100), counts: z.boolean().optional() }))
      .min(2)
      .max(10),
    sections: z.array(section).min(1).max(20),
    screening: z.object({ clearAnswers: z.array(z.string()).min(1), clearBand: band }).optional(),
    bands: z
      .array(z.object({ band, min: z.number().int().min(0), label: z.string().min(1).max(100), guidance: z.string().max(1000).optional() }))
      .min(1),
    rules: z
      .array(
        z.object({
          key,
          when: z.object({ all: z.array(condition).optional(), any: z.array(condition).optional() }),
          minimumBand: band,
          reason: z.string().min(1).max(500),
        }),
      )
      .default([]),
    judgement: z.object({
      raise: z.boolean(),
      lower: z.boolean(),
      protectedBands: z.array(band).default([]),
      guidance: z.string().max(1000).optional(),
    }),
    referral: z.object({ name: z.string().min(1).max(50), whenBands: z.array(band).min(1), text: z.string().min(1).max(500) }).optional(),
  })
  .superRefine((d, ctx) => {
    const keys = d.sections.flatMap((s) => s.questions.map((q) => q.key));
    if (new Set(keys).size !== keys.length) ctx.addIssue({ code: 'custom', message: 'question keys must be unique' });
    if (new Set(d.sections.map((s) => s.key)).size !== d.sections.length) ctx.addIssue({ code: 'custom', message: 'section keys must be unique' });
    if (!d.sections.some((s) => !s.screening)) ctx.addIssue({ code: 'custom', message: 'at least one section must be scored' });
    if (d.sections.some((s) => s.screening) && !d.screening) ctx.addIssue({ code: 'custom', message: 'screening sections need a screening rule' });
    if (!d.bands.some((b) => b.min === 0)) ctx.addIssue({ code: 'custom', message: 'one band must start at 0' });
    const values = d.answerOptions.map((o) => o.value);
    for (const r of d.rules) {
      for (const c of [...(r.when.all ?? []), ...(r.when.any ?? [])]) {
        if (!keys.includes(c.question)) ctx.addIssue({ code: 'custom', message: `rule ${r.key} names an unknown question ${c.question}` });
        if (!values.includes(c.answer)) ctx.addIssue({ code: 'custom', message: `rule ${r.key} names an unknown answer ${c.answer}` });
      }
    }
  });

export type Definition = z.infer<typeof schema>;
export type Section = Definition['sections'][number];
export type Question = Section['questions'][number];

/** A stored definition, checked; throws with the first problem if a partnership stored a broken one. */
export function parseDefinition(json: unknown): Definition {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`Invalid risk questionnaire definition at ${issue.path.join('.') || 'top level'}: ${issue.message}`);
  }
  return parsed.data;
}

export function bandLabel(def: Definition, b: RiskBand): string {
  return def.bands.find((x) => x.band === b)?.label ?? `${b[0]!.toUpperCase()}${b.slice(1)} risk`;
}
