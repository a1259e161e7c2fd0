// Reading a multipart form with one file: the file into memory up to a limit (beyond it the rest is
// discarded and the file marked too large), the other fields as strings. The multipart parser is
// registered only for the upload routes (see routes.ts), so every other form keeps its own parser.
import type { FastifyRequest } from 'fastify';

export interface UploadedFile {
  filename: string;
  content: Buffer;
  tooLarge: boolean;
}

export type MultipartForm = { fields: Record<string, string>; file: UploadedFile | null } | { error: string };

export async function readMultipart(request: FastifyRequest, fileLimit: number): Promise<MultipartForm> {
  const fields: Record<string, string> = {};
  if (!request.isMultipart()) {
    // A plain form post (no file could be attached): keep its text fields so the form is shown again.
    const body = request.body;
    if (body && typeof body === 'object') for (const [k, v] of Object.entries(body as Record<string, unknown>)) if (typeof v === 'string') fields[k] = v;
    return { fields, file: null };
  }
  let file: UploadedFile | null = null;
  try {
    // The plugin is registered with throwFileSizeLimit off: an oversized file arrives truncated and marked.
    for await (const part of request.parts({ limits: { fileSize: fileLimit, files: 1, fields: 20, fieldSize: 10_000, parts: 25 } })) {
      if (part.type === 'file') {
        const content = await part.toBuffer();
        // A file input left empty still sends a part, with no name and no content.
        if (part.filename || content.length) file = { filename: part.filename ?? '', content, tooLarge: part.file.truncated };
      } else if (typeof part.value === 'string' && !(part.fieldname in fields)) {
        fields[part.fieldname] = part.value;
      }
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'FST_FILES_LIMIT') return { error: 'Choose one file at a time' };
    return { error: 'The form could not be read. Go back, choose the file again and try once more.' };
  }
  return { fields, file };
}
