// What the repeat and multi-agency checks cost at benchmark scale, straight against the database:
// the checks every incident save runs (multi_agency_link_incident then repeat_evaluate_incident, as
// an officer, in their own transaction), the coordinator's list query as a manager through row-level
// security, and the full recount a rule change runs for each kind. It writes flags and links (derived
// data), so run it on a copy of the benchmark database that has migrations/0011 applied:
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/<copy of endeavour_bench> node bench/repeats.ts
//
// BENCH_INCIDENTS (200): how many of the officer's incidents from the last year to check.
import pg from 'pg';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('Set DATABASE_URL to a copy of the benchmark database with migrations/0011 applied.');
const sample = Number(process.env.BENCH_INCIDENTS ?? 200);
const c = new pg.Client({ connectionString: url });
await c.connect();

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const ms = (n: number) => `${n.toFixed(1)} ms`;
async function asUser<T>(userId: string, fn: () => Promise<T>) {
  await c.query('BEGIN');
  await c.query(`SELECT set_config('app.user_id', $1, true), set_config('role', 'endeavour_app', true)`, [userId]);
  try {
    return await fn();
  } finally {
    await c.query('COMMIT');
  }
}
const user = async (email: string) => (await c.query<{ id: string; organisation_id: string }>('SELECT id, organisation_id FROM users WHERE email = $1', [email])).rows[0]!;

const officer = await user('officer@endeavour.demo');
const manager = await user('manager@endeavour.demo');
const partnership = (await c.query<{ id: string }>('SELECT partnership_id AS id FROM organisations WHERE id = $1', [officer.organisation_id])).rows[0]!.id;
const counts = (await c.query<{ incidents: number; window: number }>(
  `SELECT count(*)::int AS incidents, count(*) FILTER (WHERE occurred_from > now() - interval '12 months')::int AS window FROM incidents`,
)).rows[0]!;
console.log(`${counts.incidents.toLocaleString('en-GB')} incidents, ${counts.window.toLocaleString('en-GB')} in the last 12 months\n`);

const ids = (await c.query<{ id: string }>(
  `SELECT id FROM incidents WHERE owner_organisation_id = $1 AND occurred_from > now() - interval '12 months' ORDER BY id LIMIT $2`,
  [officer.organisation_id, sample],
)).rows.map((r) => r.id);
const link: number[] = [];
const both: number[] = [];
for (const id of ids) {
  const started = performance.now();
  await asUser(officer.id, async () => {
    const l = performance.now();
    await c.query('SELECT * FROM multi_agency_link_incident($1::uuid)', [id]);
    link.push(performance.now() - l);
    await c.query('SELECT * FROM repeat_evaluate_incident($1::uuid)', [id]);
  });
  both.push(performance.now() - started);
}

const list: number[] = [];
for (let i = 0; i < 20; i++) {
  const started = performance.now();
  await asUser(manager.id, () =>
    c.query(
      `SELECT f.id, p.first_name, (SELECT count(*) FROM repeat_flag_incidents m WHERE m.flag_id = f.id)
       FROM repeat_flags f LEFT JOIN people p ON p.id = f.person_id
       WHERE f.partnership_id = $1 AND f.expires_at > now() ORDER BY f.last_incident_at DESC LIMIT 51`,
      [partnership],
    ),
  );
  list.push(performance.now() - started);
}

const recount: string[] = [];
for (const kind of ['victim', 'perpetrator', 'location']) {
  const started = performance.now();
  await c.query('SELECT count(*) FROM repeat_refresh($1::uuid, $2, NULL)', [partnership, kind]);
  recount.push(`${kind} ${ms(performance.now() - started)}`);
}
const flags = (await c.query<{ kind: string; n: number }>(`SELECT kind, count(*)::int AS n FROM repeat_flags WHERE expires_at > now() GROUP BY kind ORDER BY kind`)).rows;

console.log('| what | p50 | p95 | max |\n|---|---:|---:|---:|');
console.log(`| checks on saving an incident (links + repeats), ${ids.length} incidents | ${ms(pct(both, 50))} | ${ms(pct(both, 95))} | ${ms(pct(both, 100))} |`);
console.log(`| of which the multi-agency link | ${ms(pct(link, 50))} | ${ms(pct(link, 95))} | ${ms(pct(link, 100))} |`);
console.log(`| coordinator's list query (manager, RLS), 20 runs | ${ms(pct(list, 50))} | ${ms(pct(list, 95))} | ${ms(pct(list, 100))} |`);
console.log(`\nFull recount after a rule change: ${recount.join(', ')}`);
console.log(`Active flags: ${flags.map((f) => `${f.kind} ${f.n}`).join(', ')}`);
await c.end();
