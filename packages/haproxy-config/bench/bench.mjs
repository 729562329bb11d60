// npm run bench -w @ha/haproxy-config  (needs `npm run build`)
// A generated 52,000-line configuration, as one file and split over 200 files in a directory: in-process parse and
// print, the typed model, a whole node process that reads, parses, prints back and compares, and the CLI's
// `validate --no-real-check`, each against `haproxy -c -f` on the same input, measured in this run.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRunner } from '@ha/core';
import { build } from 'esbuild';
import { targetRatio, timeMedian } from '../../../tools/scripts/bench-kit.mjs';
import { parse, serialize, toConfig } from '../dist/index.js';
import { generate, writeSplit } from './generate.mjs';

// Node reads NODE_EXTRA_CA_CERTS at every start (about 50 ms here); users' shells do not set it, the bin goes without.
delete process.env.NODE_EXTRA_CA_CERTS;
const runs = 7;
const bin = fileURLToPath(new URL('../bin/ha-haproxy-config.js', import.meta.url));

// Times the first call of `work` alone (cold for the first input: nothing compiled yet; the directory's inputs come
// after the file's, so its code is warm then), then its median after a warm-up.
let firstInput = true;
async function coldAndMedian(label, work) {
  const start = performance.now();
  await work();
  const cold = performance.now() - start;
  console.log(`  ${label} (first run${firstInput ? ', cold' : ''})`.padEnd(66) + ` ${cold.toFixed(1).padStart(8)} ms`);
  return timeMedian(label, runs, work);
}

function roundTrip(texts) {
  for (const { name, text } of texts)
    if (serialize(parse(text, { file: name })) !== text) throw new Error(`${name} changed`);
}

const directory = await mkdtemp(join(tmpdir(), 'ha-haproxy-config-bench-'));
try {
  const text = generate();
  const file = join(directory, 'haproxy.cfg');
  await writeFile(file, text);
  const split = join(directory, 'conf.d');
  await writeSplit(split, 200);
  const splitTexts = await Promise.all(
    (await readdir(split))
      .sort()
      .map(async (name) => ({ name: join(split, name), text: await readFile(join(split, name), 'utf8') })),
  );
  // The process under test is bundled into one file, as the package's CLI is.
  const script = join(directory, 'roundtrip.js');
  await build({
    entryPoints: [fileURLToPath(new URL('./roundtrip.mjs', import.meta.url))],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    keepNames: true,
    logLevel: 'warning',
  });
  const { stdout } = await defaultRunner.run(process.execPath, [script, file, 'model']);
  console.log(
    `a generated configuration: ${text.split('\n').length - 1} lines, ${(text.length / 1e6).toFixed(1)} MB, ${stdout.trim()}; ` +
      `the same split over ${splitTexts.length} files; the round-trip bundle ${((await readFile(script)).length / 1e3).toFixed(0)} kB`,
  );

  const floor = await timeMedian('node -e 0 (the floor of any node process)', runs, () =>
    defaultRunner.run(process.execPath, ['-e', '0']),
  );
  for (const [what, path, texts] of [
    ['one file', file, [{ name: file, text }]],
    [`${splitTexts.length} files in a directory`, split, splitTexts],
  ]) {
    console.log(`\n${what}:`);
    const haproxy = await timeMedian('haproxy -c -f', runs, () =>
      defaultRunner.run('haproxy', ['-c', '-q', '-f', path], { timeoutMs: 120_000 }),
    );
    const inProcess = await coldAndMedian('in process: parse + serialize, byte-equal', () => roundTrip(texts));
    const model = await coldAndMedian('in process: parse + toConfig (typed model)', () =>
      toConfig(texts.map(({ name, text: source }) => parse(source, { file: name }))),
    );
    firstInput = false;
    const whole = await timeMedian('node process: start, read, parse, print back, compare', runs, () =>
      defaultRunner.run(process.execPath, [script, path], { timeoutMs: 120_000 }),
    );
    const wholeModel = await timeMedian('node process: … and the typed model', runs, () =>
      defaultRunner.run(process.execPath, [script, path, 'model'], { timeoutMs: 120_000 }),
    );
    const validate = await timeMedian('ha-haproxy-config validate --no-real-check', runs, () =>
      defaultRunner.run(process.execPath, [bin, 'validate', path, '--no-real-check'], { timeoutMs: 120_000 }),
    );
    console.log(`  (node -e 0 is ${floor.toFixed(1)} ms of each node process)`);
    console.log(`  in process, parse + serialize: ${inProcess <= 25 ? 'met' : 'NOT met'} (target ≤ 25 ms)`);
    console.log(`  in process, to the typed model: ${model <= 60 ? 'met' : 'NOT met'} (target ≤ 60 ms)`);
    console.log(`  in process, parse + serialize / haproxy -c: ${(inProcess / haproxy).toFixed(3)}`);
    console.log(`  in process, to the typed model / haproxy -c: ${(model / haproxy).toFixed(3)}`);
    targetRatio('node process round trip / haproxy -c', whole, haproxy, 0.25);
    console.log(
      `  node process round trip with the model / haproxy -c: ${(wholeModel / haproxy).toFixed(3)} (no target)`,
    );
    targetRatio('validate --no-real-check / haproxy -c', validate, haproxy, 0.5);
  }
} finally {
  await rm(directory, { recursive: true, force: true });
}
