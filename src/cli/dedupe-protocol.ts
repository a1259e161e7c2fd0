// Messages between `endeavour dedupe` and its scoring threads.
import type { MatchModel } from '../modules/matching/engine/index.ts';
import type { EstimateReport } from '../modules/matching/engine/estimate.ts';

export interface WorkerSetup {
  input: string;
  part: number;
  parts: number;
  maxBlock: number;
  /** Estimate the model from the file (thread 0 only acts on this). */
  estimate: boolean;
  model?: MatchModel;
}

export type FromWorker =
  | { type: 'loaded'; records: number; ids?: string[]; notes?: string[]; dirtyDates?: number }
  | {
      type: 'blocks';
      pairs: number;
      blocks: number;
      leftOut: { blocks: number; pairs: number; largest: number; examples: string[] };
    }
  | { type: 'model'; model: MatchModel; report: EstimateReport | null }
  | { type: 'pairs'; left: Int32Array; right: Int32Array; weight: Float64Array }
  | {
      type: 'done';
      compared: number;
      kept: number;
      seconds: { read: number; block: number; estimate: number; score: number };
    }
  | { type: 'error'; message: string; input: boolean };

export interface ToWorker {
  model: MatchModel;
  /** Pairs below this many bits of evidence are not worth sending back. */
  minWeight: number;
}
