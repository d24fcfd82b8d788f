// The bench's measures: a call's latency line (p50 and p95, timed one after
// another) and a file's brotli size as the widget's budget counts it.
import { brotliCompressSync, constants } from "node:zlib";

/** Times `fn(i)` `n` times in a row and prints its p50 and p95 under `label` (padded to `width`). */
export async function timed(label, n, fn, width = 40) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  const p = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))].toFixed(1);
  console.log(`  ${label.padEnd(width)} p50 ${p(0.5).padStart(6)} ms   p95 ${p(0.95).padStart(6)} ms   (n=${n})`);
}

/** Bytes of `b` compressed with brotli at quality 11 (as tests/weight.test.mjs counts the budget). */
export const brotli = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
