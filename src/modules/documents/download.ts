// Sending a stored file as a download: always an attachment, with the type it was checked to be, and
// headers that stop a browser sniffing, rendering or caching it.
import type { FastifyReply } from 'fastify';

/** "attachment" with a plain fallback name and the exact name for browsers that read RFC 5987. */
export function attachment(filename: string) {
  const plain = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${plain}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export function sendDownload(reply: FastifyReply, file: { filename: string; content_type: string; content: Uint8Array }) {
  return reply
    .header('Content-Type', file.content_type)
    .header('Content-Disposition', attachment(file.filename))
    .header('X-Content-Type-Options', 'nosniff')
    .header('Cache-Control', 'no-store')
    .header('Content-Security-Policy', "default-src 'none'; sandbox")
    .send(Buffer.from(file.content));
}
