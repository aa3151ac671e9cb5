import type { BatchPrediction } from '../policies/policy.js';
import type { Trace } from '../trace/trace.js';

/** Windows handed to `predictBatch` per call; bounds the buffer's memory. */
const CHUNK_WINDOWS = 16_384;

/**
 * Feeds a batch predictor the history window of every scored request, in
 * trace order and in chunks. Window i holds the keys of requests
 * [i - historyWindow + 1, i], so no window contains a later request.
 */
export async function precomputePredictions(
  trace: Trace,
  batch: BatchPrediction,
  scoredStart: number,
): Promise<void> {
  const width = batch.historyWindow;
  const windows = new Int32Array(CHUNK_WINDOWS * width);
  for (let first = scoredStart; first < trace.length; first += CHUNK_WINDOWS) {
    const count = Math.min(CHUNK_WINDOWS, trace.length - first);
    for (let w = 0; w < count; w++) {
      const end = first + w;
      const offset = w * width;
      for (let j = 0; j < width; j++) {
        const index = end - width + 1 + j;
        windows[offset + j] = index < 0 ? -1 : trace.keyIds[index];
      }
    }
    await batch.predictBatch(windows.subarray(0, count * width), count);
  }
}
