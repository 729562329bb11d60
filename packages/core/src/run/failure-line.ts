/**
 * Which line of a failed tool's output says what went wrong. Tools print
 * banners, notices and module-loading noise before (or after) the line that
 * matters; the error message uses that line, and the whole output stays on the
 * error.
 */

// Lines that never say what went wrong, whatever the tool.
const noise: readonly RegExp[] = [
  /^\[NOTICE\]/, // haproxy: `[NOTICE]   (1) : haproxy version is 2.6.12`, `path to executable is …`
  /^modinfo: ERROR: Module drbd not found/, // drbdadm on a host without the kernel module
  /^Error: Errors have occurred, therefore pcs is unable to continue$/, // pcs's closing line
  /^Warning: Unable to read the known-hosts file/,
  /^Init failed, could not perform requested operations$/, // cibadmin's closing line, after the cause
  /^Command '.*' terminated with exit code \d+$/, // drbdadm's closing line, after drbdmeta's or drbdsetup's cause
  /^\S+ exited with code \d+$/,
  /^-+$/, // separators
];

/** The line of a failed command's output to put in its error message, escaped; `undefined` when there is none. */
export function pickFailureLine(stderr: string, stdout: string): string | undefined {
  for (const text of [stderr, stdout]) {
    const line = pickFrom(text);
    if (line !== undefined) return escapeForMessage(line);
  }
  return undefined;
}

function pickFrom(text: string): string | undefined {
  if (text.trim() === '') return undefined;
  const xml = xmlError(text);
  if (xml !== undefined) return xml;
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !noise.some((pattern) => pattern.test(line)));
  // haproxy -c: the first `[ALERT]` is the cause; later ones are its consequences ("Fatal errors found").
  const alert = lines.find((line) => line.startsWith('[ALERT]'));
  if (alert !== undefined) return alert;
  const error = lines.find((line) => /^(error|fatal|crit(ical)?)\b|^\S+: (error|fatal)\b/i.test(line));
  if (error !== undefined) return error;
  return lines.at(-1);
}

// crm_mon, stonith_admin, crm_verify … with --output-as=xml report a failure inside
// their XML: `<status code="105" message="No such object"><errors><error>…</error></errors></status>`.
function xmlError(text: string): string | undefined {
  if (!/^\s*<(\?xml|pacemaker-result)\b/.test(text)) return undefined;
  const error = /<error>([\s\S]*?)<\/error>/.exec(text)?.[1];
  if (error !== undefined && error.trim() !== '') return decodeXmlText(error.trim().split('\n')[0] as string);
  const status = /<status\b[^>]*\bmessage="([^"]*)"/.exec(text)?.[1];
  return status === undefined ? undefined : decodeXmlText(status);
}

function decodeXmlText(text: string): string {
  return text.replace(
    /&(lt|gt|amp|quot|apos|#(\d+)|#x([0-9a-f]+));/gi,
    (whole, name: string, decimal?: string, hex?: string) => {
      if (decimal !== undefined) return String.fromCodePoint(Number(decimal));
      if (hex !== undefined) return String.fromCodePoint(Number.parseInt(hex, 16));
      return (
        ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[name.toLowerCase()] ?? whole
      );
    },
  );
}

// Control characters (tab aside), C1 controls, the replacement character and the line separators.
// eslint-disable-next-line no-control-regex
const unsafeCharacters = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd\u2028\u2029]/g;

/**
 * Text safe to show in a one-line message: control characters and undecodable
 * bytes escaped (`\x1b`, `\ufffd`), at most 300 characters.
 */
export function escapeForMessage(text: string, maxLength = 300): string {
  const escaped = text
    .replace(unsafeCharacters, (c) => {
      const code = c.charCodeAt(0);
      return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    })
    .replace(/\t/g, ' ');
  return escaped.length > maxLength ? `${escaped.slice(0, maxLength)}…` : escaped;
}
