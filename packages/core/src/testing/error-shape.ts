/**
 * An error as plain data for an inline snapshot: its class name, message and
 * every own field (`code`, `stage`, `findings` …), the brand symbol and the
 * stack left out. `cause` is shown as its class name and message only.
 */
export function errorShape(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { thrown: error };
  const shape: Record<string, unknown> = { name: error.name, message: error.message };
  for (const key of Object.keys(error)) {
    const value = (error as unknown as Record<string, unknown>)[key];
    shape[key] = key === 'cause' && value instanceof Error ? `${value.name}: ${value.message}` : value;
  }
  if (error.cause !== undefined && !('cause' in shape))
    shape['cause'] = error.cause instanceof Error ? `${error.cause.name}: ${error.cause.message}` : error.cause;
  return shape;
}

/** The error `action` throws (a test fails when it throws nothing): for `errorShape` and `instanceof` checks. */
export function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw, and it returned');
}

/** The error a promise rejects with (a test fails when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, and it resolved');
}
