// Every query made on behalf of a person runs inside withUser: one transaction that switches to the
// non-owner runtime role and records who is acting, so PostgreSQL's row-level security policies
// decide what the query may see or change. A forgotten WHERE clause therefore cannot leak a record.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from './schema.ts';

export type Tx = Transaction<DB>;

export const APP_ROLE = 'endeavour_app';

export async function withUser<T>(db: Kysely<DB>, userId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await sql`SELECT set_config('app.user_id', ${userId}, true), set_config('role', ${APP_ROLE}, true)`.execute(tx);
    return fn(tx);
  });
}

/** For work done before anyone is signed in (sign-in itself, password reset): the app role, no user. */
export async function withAnonymous<T>(db: Kysely<DB>, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await sql`SELECT set_config('app.user_id', '', true), set_config('role', ${APP_ROLE}, true)`.execute(tx);
    return fn(tx);
  });
}
