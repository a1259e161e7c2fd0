#!/usr/bin/env node
// The `endeavour` command. Endeavour is TypeScript run directly by Node.js 24 (type stripping), and
// the project pins Node 24 as a dependency (node_modules/.bin/node) because the machine's own node
// may be older. `npx endeavour` puts node_modules/.bin first on PATH, so `env node` finds Node 24;
// run any other way (./bin/endeavour.js, a global link, an older node on PATH) this launcher finds
// the project's Node 24 itself and hands over to it. Hence plain JavaScript that Node 20 can parse.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REQUIRED_MAJOR = 24;
const major = Number(process.versions.node.split('.')[0]);

if (major >= REQUIRED_MAJOR) {
  await import('../src/cli/index.ts');
} else {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const pinned = path.join(root, 'node_modules', '.bin', 'node');
  // The marker stops a loop if the pinned node were somehow also too old.
  if (process.env.ENDEAVOUR_REEXEC || !fs.existsSync(pinned)) {
    process.stderr.write(
      `Endeavour needs Node.js ${REQUIRED_MAJOR} or later, but this is Node.js ${process.versions.node}.\n` +
        `Run \`npm ci\` in ${root} to install the Node.js ${REQUIRED_MAJOR} it pins, then use \`npx endeavour\`.\n`,
    );
    process.exit(1);
  }
  const child = spawn(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, ENDEAVOUR_REEXEC: '1' },
  });
  // Ctrl-C reaches both processes from the terminal; a signal sent to this process alone (kill,
  // a process manager) is passed on so the command can shut down cleanly.
  const forward = (signal) => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward);
  child.on('error', (err) => {
    process.stderr.write(`Endeavour could not start ${pinned}: ${err.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.off(s, forward);
      process.kill(process.pid, signal);
    } else {
      process.exit(code ?? 1);
    }
  });
}
