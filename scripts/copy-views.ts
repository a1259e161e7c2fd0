// `npm run build` compiles TypeScript to dist/; the Nunjucks views and the default Word letter
// templates sit beside the code they belong to, so they are copied across with the same layout.
import fs from 'node:fs';
import path from 'node:path';

const src = path.resolve(import.meta.dirname, '../src');
const dist = path.resolve(import.meta.dirname, '../dist');
fs.cpSync(src, dist, { recursive: true, filter: (from) => fs.statSync(from).isDirectory() || from.endsWith('.njk') || from.endsWith('.docx') });
