// How matching results leave the server, in JSON and in pages alike.
import type { RecordStub } from './service.ts';

/** A stub as shown: who holds the record and whom to ask, with the link to ask; never what the record says. */
export function stubView(s: RecordStub) {
  return {
    heldBy: s.heldBy,
    contact: s.contact,
    requestedAt: s.requestedAt,
    requestHref: `/access-requests/new?token=${encodeURIComponent(s.token)}`,
  };
}
