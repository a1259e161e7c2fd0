// Kysely's PostgresDialect talks to a node-postgres style pool. PGlite is one in-process connection,
// so this adapter hands it out to one borrower at a time: a transaction then owns the connection
// from BEGIN to COMMIT and no other request's statements can interleave with it.
import type { PGlite } from '@electric-sql/pglite';

type QueryResult = { command: string; rowCount: number; rows: unknown[] };

export class PGlitePool {
  readonly #db: PGlite;
  #tail: Promise<void> = Promise.resolve();

  constructor(db: PGlite) {
    this.#db = db;
  }

  async connect() {
    let release!: () => void;
    const previous = this.#tail;
    this.#tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    const db = this.#db;
    let released = false;
    return {
      async query(sql: string, params?: readonly unknown[]): Promise<QueryResult> {
        const result = await db.query(sql, params as unknown[] | undefined);
        const command = sql.trimStart().split(/\s+/, 1)[0]?.toUpperCase() ?? '';
        return { command, rowCount: result.affectedRows ?? result.rows.length, rows: result.rows };
      },
      release() {
        if (!released) {
          released = true;
          release();
        }
      },
    };
  }

  async end() {
    await this.#tail;
  }
}
