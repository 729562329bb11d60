// What the packages' benches share: timing a piece of work and saying how it compares.

/** The middle value. */
export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Runs `work` a few times to warm up, then `iterations` times; prints and returns the ms per call. */
export async function time(label, iterations, work) {
  for (let i = 0; i < Math.min(5, iterations); i++) await work();
  const start = performance.now();
  for (let i = 0; i < iterations; i++) await work();
  const perCall = (performance.now() - start) / iterations;
  console.log(`  ${label.padEnd(58)} ${perCall.toFixed(3).padStart(9)} ms/op`);
  return perCall;
}

/** `ratio ours/real = 0.123 (8.1× faster)`. */
export const ratio = (ours, theirs) =>
  `ratio ours/real = ${(ours / theirs).toFixed(3)} (${ours <= theirs ? `${(theirs / ours).toFixed(1)}× faster` : `${(ours / theirs).toFixed(2)}× slower`})`;

/** Runs `work` once to warm up, then `runs` times; prints and returns the median ms. */
export async function timeMedian(label, runs, work) {
  await work();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  const value = median(times);
  console.log(`  ${label.padEnd(64)} ${value.toFixed(1).padStart(8)} ms (median of ${runs})`);
  return value;
}

/** `label: 0.123 (target ≤ 0.25) met`. */
export function targetRatio(label, ours, theirs, target) {
  const value = ours / theirs;
  console.log(
    `  ${label}: ${value.toFixed(value < 0.01 ? 4 : 3)} (target ≤ ${target}) ${value <= target ? 'met' : 'NOT met'}`,
  );
}
