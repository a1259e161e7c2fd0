// `endeavour indicators --from YYYY-MM --to YYYY-MM [--csv]`: every active indicator by district and
// for the whole partnership over a period, for scheduled reporting. Run by the operator, it applies
// the small-number rule as for a user who owns no records (the output is meant to be passed on), so a
// suppressed figure is written [c] — the Government Statistical Service's mark for it.
import { stringify } from 'csv-stringify/sync';
import { InvalidArgumentError, type Command } from 'commander';
import { audit } from '../platform/audit/audit.ts';
import { checkPeriod, PeriodError, hasRate, type AreaValue, type Indicator } from '../modules/indicators/definitions.ts';
import { listIndicatorRows } from '../modules/indicators/repository.ts';
import { IndicatorComputer } from '../modules/indicators/compute.ts';
import { seedDefaultIndicators } from '../modules/indicators/defaults.ts';
import { choosePartnership } from './import-gazetteer.ts';
import { CliFailure, EXIT_USAGE, plural, say, withDatabase } from './context.ts';

export const CSV_HEADER = ['area_code', 'area_name', 'indicator', 'value', 'rate_per_1000'] as const;
export const SUPPRESSED = '[c]';

function parseMonth(value: string): string {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) throw new InvalidArgumentError('It must be a month written as YYYY-MM, like 2022-03.');
  return value;
}

/** Counts as they are; rates and percentages to two decimal places, as the board's reports give them. */
export function formatFigure(n: number | null, decimals: boolean): string {
  if (n === null) return '';
  if (!decimals && Number.isInteger(n)) return String(n);
  return n.toFixed(2);
}

export function indicatorRows(indicator: Indicator, values: AreaValue[], partnershipName: string): string[][] {
  const rate = hasRate(indicator);
  return values.map((v) => [
    v.areaCode ?? '',
    v.areaId === null ? partnershipName : v.areaName,
    indicator.key,
    v.suppressed ? SUPPRESSED : formatFigure(v.value, indicator.unit !== 'count'),
    !rate ? '' : v.suppressed ? SUPPRESSED : formatFigure(v.ratePer1000, true),
  ]);
}

export function registerIndicators(program: Command) {
  program
    .command('indicators')
    .description("print every indicator by district and for the whole partnership over a period (for scheduled reports)")
    .requiredOption('--from <YYYY-MM>', 'first month of the period', parseMonth)
    .requiredOption('--to <YYYY-MM>', 'last month of the period (inclusive)', parseMonth)
    .option('--csv', 'write CSV with the header area_code,area_name,indicator,value,rate_per_1000')
    .option('--indicator <key...>', 'only these indicators (by key)')
    .option('--partnership <name>', 'the partnership (short name, name or id) when the database has several')
    .action(async (opts: { from: string; to: string; csv?: boolean; indicator?: string[]; partnership?: string }, command: Command) => {
      const period = { from: opts.from, to: opts.to };
      try {
        checkPeriod(period);
      } catch (err) {
        if (err instanceof PeriodError) throw new CliFailure(`endeavour indicators: ${err.message}`, EXIT_USAGE);
        throw err;
      }
      await withDatabase(command, async ({ database }) => {
        const db = database.db;
        const partnership = await choosePartnership(db, opts.partnership);
        await db.transaction().execute((tx) => seedDefaultIndicators(tx, partnership.id));
        const rows = await db.transaction().execute(async (tx) => {
          let indicators = await listIndicatorRows(tx, partnership.id, { activeOnly: true });
          if (opts.indicator) {
            const unknown = opts.indicator.filter((k) => !indicators.some((i) => i.key === k));
            if (unknown.length) {
              throw new CliFailure(`endeavour indicators: no active indicator called ${unknown.join(', ')}. The indicators are: ${indicators.map((i) => i.key).join(', ')}.`, EXIT_USAGE);
            }
            indicators = indicators.filter((i) => opts.indicator!.includes(i.key));
          }
          const computer = await IndicatorComputer.open(tx, partnership.id, { partnershipId: partnership.id, organisationId: null });
          const out: { indicator: Indicator; rows: string[][] }[] = [];
          for (const indicator of indicators) {
            out.push({ indicator, rows: indicatorRows(indicator, await computer.values(indicator, period), partnership.short_name) });
          }
          await audit(tx, {
            partnershipId: partnership.id,
            action: 'export',
            recordType: 'indicators',
            recordId: partnership.id,
            details: { command: 'indicators', from: period.from, to: period.to, indicators: out.length },
          });
          return out;
        });
        if (opts.csv) {
          process.stdout.write(stringify([[...CSV_HEADER], ...rows.flatMap((r) => r.rows)]));
          return;
        }
        say(`Indicators for ${partnership.short_name}, ${period.from} to ${period.to} (${plural(rows.length, 'indicator')}; ${SUPPRESSED} = fewer than the small-number threshold, suppressed):`);
        for (const { indicator, rows: lines } of rows) {
          say('');
          say(`${indicator.name} [${indicator.key}]`);
          const width = Math.max(...lines.map((l) => l[1]!.length));
          const perThousand = indicator.unit === 'count';
          for (const l of lines) say(`  ${l[1]!.padEnd(width)}  ${(l[3] || '–').padStart(10)}${perThousand && l[4] ? `  (${l[4]} per 1,000)` : ''}`);
        }
      }, {}, { machineReadable: !!opts.csv });
    });
}
