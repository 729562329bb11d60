import { z } from 'zod';
import type { ToolVersion } from './tool-version.js';

// Its own module: a CLI that never validates a tool report does not load zod for it (a bundle drops a module
// none of whose exports it uses, but not a schema built beside functions it does use).
/** Schema of what `detectToolVersion` returns (also the `tools --json` output). */
export const toolVersionSchema = z.object({
  /** The tool's name from its `ToolSpec` (`haproxy`, `pacemaker`). */
  name: z.string(),
  /** The program that was run (`ToolSpec.file`). */
  file: z.string(),
  /** Whether the program exists on PATH; false only for a missing program, not for a failing one. */
  found: z.boolean(),
  /** The version it printed (`2.6.12`); undefined when it is missing or printed none. */
  version: z.string().optional(),
  /** Why no version was read although the program exists (it failed, or printed no version). */
  error: z.string().optional(),
});

// The schema and the interface must describe the same object.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const sameShape: Same<z.infer<typeof toolVersionSchema>, ToolVersion> = true;
void sameShape;
