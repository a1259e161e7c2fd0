// The indicators API other capabilities build on (the dashboard, the board report): the partnership's
// indicators and their values by district and month, computed for the signed-in user. Every figure
// from records is a count returned by a SECURITY DEFINER function with small numbers already
// suppressed for this user (docs/indicators.md); nothing here reads a protected record.
// Callers audit what they show (a page view, an export); computing is not itself audited.
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Actor } from '../../platform/http/context.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { checkPeriod, type AreaValue, type Indicator, type MonthValue, type Period } from './definitions.ts';
import { findIndicator, listIndicatorRows } from './repository.ts';
import { IndicatorComputer } from './compute.ts';
import { seedDefaultIndicators } from './defaults.ts';

export type { AreaValue, Indicator, IndicatorUnit, MonthValue, Period, Polarity } from './definitions.ts';
export { PeriodError, UNIT_NAMES, POLARITY_NAMES } from './definitions.ts';

export class IndicatorNotFoundError extends Error {
  readonly key: string;
  constructor(key: string) {
    super(`There is no indicator "${key}".`);
    this.key = key;
  }
}

const seeded = new Set<string>();

/** A partnership that has never had indicators gets the defaults the first time anyone asks (set-up, as the operator). */
export async function ensureDefaultIndicators(db: Kysely<DB>, partnershipId: string): Promise<void> {
  if (seeded.has(partnershipId)) return;
  await db.transaction().execute((tx) => seedDefaultIndicators(tx, partnershipId));
  seeded.add(partnershipId);
}

/** The partnership's active indicators, in their order (outcome and priority are fields of each). */
export async function listIndicators(db: Kysely<DB>, actor: Actor): Promise<Indicator[]> {
  await ensureDefaultIndicators(db, actor.partnershipId);
  return withUser(db, actor.userId, (tx) => listIndicatorRows(tx, actor.partnershipId, { activeOnly: true }));
}

/** Each district's value over the period (YYYY-MM inclusive) and, last, the partnership's (areaId null). */
export async function indicatorValues(db: Kysely<DB>, actor: Actor, key: string, period: Period): Promise<AreaValue[]> {
  return withIndicators(db, actor, (s) => s.values(key, period));
}

/** Month by month over the period, for one district or (areaId null or omitted) the whole partnership. */
export async function indicatorTrend(
  db: Kysely<DB>,
  actor: Actor,
  key: string,
  period: Period,
  areaId?: string | null,
): Promise<MonthValue[]> {
  return withIndicators(db, actor, (s) => s.trend(key, period, areaId ?? null));
}

export interface IndicatorSession {
  /** The active indicators. */
  indicators: Indicator[];
  /** The districts values are given for, in order. */
  areas: { id: string; code: string | null; name: string }[];
  values(key: string, period: Period): Promise<AreaValue[]>;
  trend(key: string, period: Period, areaId?: string | null): Promise<MonthValue[]>;
}

/**
 * Many values in one transaction (a dashboard asks for dozens): the definitions, districts and
 * populations are read once. `indicators` lists the active ones; a retired indicator can still be
 * computed by its key (for history). Throws PeriodError for a bad period and IndicatorNotFoundError
 * for a key the partnership does not have.
 */
export async function withIndicators<T>(db: Kysely<DB>, actor: Actor, fn: (session: IndicatorSession) => Promise<T>): Promise<T> {
  await ensureDefaultIndicators(db, actor.partnershipId);
  return withUser(db, actor.userId, async (tx) => {
    const indicators = await listIndicatorRows(tx, actor.partnershipId, { activeOnly: true });
    const computer = await IndicatorComputer.open(tx, actor.partnershipId, 'acting user');
    const byKey = new Map(indicators.map((i) => [i.key, i]));
    const get = async (key: string) => {
      const found = byKey.get(key) ?? (await findIndicator(tx, actor.partnershipId, { key }));
      if (!found) throw new IndicatorNotFoundError(key);
      return found;
    };
    return fn({
      indicators,
      areas: computer.areas,
      async values(key, period) {
        checkPeriod(period);
        return computer.values(await get(key), period);
      },
      async trend(key, period, areaId) {
        checkPeriod(period);
        return computer.trend(await get(key), period, areaId ?? null);
      },
    });
  });
}
