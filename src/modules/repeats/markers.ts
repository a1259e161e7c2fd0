// The "vulnerable / repeat" marker: a person's latest risk band, their recorded vulnerabilities and
// their repeat status, combined into the one tag shown wherever the person appears. Pure, so that
// what the marker says for each combination is tested without a database.
import type { RepeatKind, RiskBand } from '../../platform/db/schema.ts';
import { VULNERABILITIES } from '../people/labels.ts';

export interface MarkerInput {
  vulnerabilities: string[];
  vulnerability_notes: string | null;
  /** The latest risk assessment of the person that the viewer may see. */
  band: RiskBand | null;
  /** Victim on an incident the viewer may see that was recorded as involving a vulnerable victim. */
  vulnerableVictimIncident: boolean;
  /** Active repeat flags about the person. */
  flags: { kind: RepeatKind; incident_count: number; window_months: number }[];
}

export interface Marker {
  vulnerable: boolean;
  repeatVictim: boolean;
  repeatPerpetrator: boolean;
  /** The tag's words ("Vulnerable, repeat victim"); empty when only a perpetrator flag applies. */
  text: string;
  /** GOV.UK tag colour: the words carry the meaning, the colour only reinforces it. */
  tone: 'red' | 'orange';
  /** Why, in the order an officer weighs them. */
  reasons: string[];
}

const months = (n: number) => (n === 1 ? '1 month' : `${n} months`);

/** The marker for one person, or null when nothing about them calls for one. */
export function combineMarker(input: MarkerInput): Marker | null {
  const reasons: string[] = [];
  if (input.band === 'high' || input.band === 'medium')
    reasons.push(`${input.band === 'high' ? 'High' : 'Medium'} risk at the latest assessment`);
  const recorded = input.vulnerabilities.filter((v) => v !== 'repeat_victim');
  for (const v of recorded) reasons.push(VULNERABILITIES[v as keyof typeof VULNERABILITIES] ?? v);
  if (input.vulnerability_notes?.trim()) reasons.push('Other vulnerability recorded');
  if (input.vulnerableVictimIncident) reasons.push('Recorded as a vulnerable victim on an incident');
  const vulnerable = reasons.length > 0;

  const victimFlag = input.flags.find((f) => f.kind === 'victim');
  const perpetratorFlag = input.flags.find((f) => f.kind === 'perpetrator');
  if (victimFlag)
    reasons.push(
      `Repeat victim: ${victimFlag.incident_count} incidents in ${months(victimFlag.window_months)} across the partnership`,
    );
  else if (input.vulnerabilities.includes('repeat_victim')) reasons.push('Recorded as a repeat victim');
  const repeatVictim = !!victimFlag || input.vulnerabilities.includes('repeat_victim');
  if (perpetratorFlag)
    reasons.push(
      `Repeat perpetrator: ${perpetratorFlag.incident_count} incidents in ${months(perpetratorFlag.window_months)} across the partnership`,
    );

  if (!vulnerable && !repeatVictim && !perpetratorFlag) return null;
  const text =
    vulnerable && repeatVictim
      ? 'Vulnerable, repeat victim'
      : vulnerable
        ? 'Vulnerable'
        : repeatVictim
          ? 'Repeat victim'
          : '';
  return {
    vulnerable,
    repeatVictim,
    repeatPerpetrator: !!perpetratorFlag,
    text,
    tone: (vulnerable && repeatVictim) || input.band === 'high' ? 'red' : 'orange',
    reasons,
  };
}
