import { expect } from 'vitest';

/** Lines from `line(i)` until the text has at least `bytes` characters, between `head` and `tail`. */
export function fillToSize(bytes: number, line: (index: number) => string, head = '', tail = ''): string {
  const parts = [head];
  let size = head.length + tail.length;
  for (let index = 0; size < bytes; index++) {
    const next = line(index);
    parts.push(next);
    size += next.length;
  }
  parts.push(tail);
  return parts.join('');
}

/** CPU milliseconds (user + system) of one run: other work on a busy machine disturbs it less than the clock. */
export async function cpuMs(run: () => unknown): Promise<number> {
  const before = process.cpuUsage();
  await run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/** One measured size: the input's size and the CPU time of the work on it. */
export interface SizeCost {
  /** The input's size (bytes, lines: any unit, the same for every size). */
  size: number;
  /** CPU milliseconds of the work. */
  ms: number;
}

// Garbage left by earlier work (the inputs made, the warm-up, the previous size) would be collected in the
// middle of whichever run happens to cross the heap's next limit: one size then costs 3× its share. Collected
// before each run (when the test run exposes `gc`: the vitest config does), a run pays for its own garbage only.
const collectGarbage = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/**
 * Measures `run` on inputs made by `make` at each size, after a warm-up on the
 * second (so every size runs optimised code); each time is the best of `rounds`
 * (default 2), each run starting on a collected heap.
 */
export async function measureSizes<Input>(
  sizes: readonly number[],
  make: (size: number) => Input,
  run: (input: Input) => unknown,
  options: { rounds?: number } = {},
): Promise<SizeCost[]> {
  const inputs = sizes.map((size) => make(size));
  await run(inputs[Math.min(1, inputs.length - 1)] as Input);
  const costs: SizeCost[] = [];
  for (const [index, input] of inputs.entries()) {
    let best = Number.POSITIVE_INFINITY;
    for (let round = 0; round < (options.rounds ?? 2); round++) {
      collectGarbage();
      best = Math.min(best, await cpuMs(() => run(input)));
    }
    costs.push({ size: sizes[index] as number, ms: Math.max(best, 0.1) });
  }
  return costs;
}

/**
 * Asserts the costs grow linearly: each step costs at most `slack` times its
 * share of the size ratio (warm-up, garbage collection), where quadratic work
 * would cost the square of the ratio (100× for 10× the input).
 */
export function expectLinearCosts(costs: readonly SizeCost[], slack = 2.5): void {
  costs.slice(1).forEach((cost, index) => {
    const previous = costs[index] as SizeCost;
    expect(cost.ms / previous.ms, JSON.stringify(costs)).toBeLessThan((cost.size / previous.size) * slack);
  });
}
