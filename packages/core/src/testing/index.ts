/**
 * @ha/core/testing: the test kit every ha-toolkit package's tests share (vitest
 * and fast-check are its peers). Not part of the runtime API.
 */
export { describeConfigContract } from './config-contract.js';
export type { ConfigPackageSubject } from './config-contract.js';
export { cpuMs, expectLinearCosts, fillToSize, measureSizes } from './linear-time.js';
export type { SizeCost } from './linear-time.js';
export { errorShape, rejection, thrown } from './error-shape.js';
export { recordedResult } from './command-result.js';
export { captureIo } from './capture-io.js';
