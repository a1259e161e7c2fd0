// One of `endeavour dedupe`'s scoring threads. Every thread reads and prepares the whole file itself
// (cheaper than copying prepared records between threads), then scores its share of the blocks.
// Thread 0 also estimates the model, which the main thread passes on to the others.
import { parentPort, workerData } from 'node:worker_threads';
import { preparePerson, type MatchModel, type PreparedPerson } from '../modules/matching/engine/index.ts';
import {
  buildBlocks,
  scoreBlocks,
  shareOfBlocks,
  termFrequencies,
} from '../modules/matching/engine/batch.ts';
import { estimateModel } from '../modules/matching/engine/estimate.ts';
import { DEFAULT_MODEL } from '../modules/matching/engine/model.ts';
import { readPeopleFile } from './dedupe-input.ts';
import type { FromWorker, ToWorker, WorkerSetup } from './dedupe-protocol.ts';

const setup = workerData as WorkerSetup;
const port = parentPort!;

function send(message: FromWorker, transfer: ArrayBuffer[] = []) {
  port.postMessage(message, transfer);
}

async function main() {
  // Listening from the start, so that the order to score cannot arrive before anyone listens.
  const ordered = new Promise<ToWorker>((resolve) => port.once('message', resolve));
  // Processor time of this thread, which on a shared machine says more than the wall clock.
  const cpu = () => {
    const u = process.threadCpuUsage();
    return (u.user + u.system) / 1000;
  };
  const clock = { started: cpu(), read: 0, blocks: 0, estimate: 0, score: 0 };
  const people: PreparedPerson[] = [];
  const now = new Date();
  const file = await readPeopleFile(setup.input, (p) => people.push(preparePerson(p, now, { explain: false })));
  send(
    setup.part === 0
      ? {
          type: 'loaded',
          records: people.length,
          ids: file.ids,
          notes: file.notes,
          dirtyDates: file.dirtyDates,
        }
      : { type: 'loaded', records: people.length },
  );
  file.ids.length = 0;
  clock.read = cpu();
  // Thread 0 estimates the model first, while the others build their blocks.
  if (setup.part === 0) {
    const start: MatchModel = setup.model ?? DEFAULT_MODEL;
    const { model, report } = setup.estimate
      ? estimateModel(people, start, { maxBlock: setup.maxBlock })
      : { model: start, report: null };
    send({ type: 'model', model, report });
  }
  clock.estimate = cpu();
  const index = buildBlocks(people, { maxBlock: setup.maxBlock });
  const tf = termFrequencies(people);
  clock.blocks = cpu();
  if (setup.part === 0)
    send({ type: 'blocks', pairs: index.pairs, blocks: index.hashes.length, leftOut: index.leftOut });
  const order = await ordered;
  const [from, to] = shareOfBlocks(index, setup.part, setup.parts);
  const stats = scoreBlocks(
    people,
    index,
    from,
    to,
    order.model,
    tf.first,
    tf.last,
    order.minWeight,
    (batch) => {
      const left = batch.left.slice(0, batch.length);
      const right = batch.right.slice(0, batch.length);
      const weight = batch.weight.slice(0, batch.length);
      send({ type: 'pairs', left, right, weight }, [left.buffer, right.buffer, weight.buffer]);
    },
  );
  clock.score = cpu();
  const s = (a: number, b: number) => (b - a) / 1000;
  send({
    type: 'done',
    compared: stats.compared,
    kept: stats.kept,
    seconds: {
      read: s(clock.started, clock.read),
      estimate: s(clock.read, clock.estimate),
      block: s(clock.estimate, clock.blocks),
      score: s(clock.blocks, clock.score),
    },
  });
}

main().catch((err: unknown) => {
  send({
    type: 'error',
    message: err instanceof Error ? err.message : String(err),
    input: err instanceof Error && err.name === 'InputError',
  });
});
