import type { ArgDef } from 'citty';
import type { CliCommand } from './cli.js';

/**
 * The `--help` text of a command: plain text (no colour codes, whatever the
 * terminal), flags in kebab-case as users type them, positionals in the usage
 * line, every option with its value hint, default and description.
 */
export function renderHelp(command: CliCommand<any>, path: readonly string[]): string {
  const entries = Object.entries(command.args ?? {}) as [string, ArgDef][];
  const positionals = entries.filter(([, definition]) => definition.type === 'positional');
  const options = entries.filter(([, definition]) => definition.type !== 'positional');
  const subCommands = Object.entries(command.subCommands ?? {});
  const lines: string[] = [];
  lines.push(
    `${command.meta.description}${command.meta.version === undefined ? '' : ` (${path[0]} ${command.meta.version})`}`,
    '',
  );

  const usage = [...path];
  if (subCommands.length > 0 && !command.run) usage.push('COMMAND');
  if (options.length > 0 || subCommands.length === 0) usage.push('[options]');
  for (const [name, definition] of positionals) {
    const hint = positionalHint(name, definition);
    usage.push(definition.required === false || definition.default !== undefined ? `[${hint}]` : hint);
  }
  lines.push(`Usage: ${usage.join(' ')}`);

  if (positionals.length > 0) {
    lines.push('', 'Arguments:');
    lines.push(
      ...table(positionals.map(([name, definition]) => [positionalHint(name, definition), describe(definition)])),
    );
  }
  const optionRows: [string, string][] = options.map(([name, definition]) => [
    optionSignature(name, definition),
    describe(definition),
  ]);
  optionRows.push(['-h, --help', 'Show this help']);
  if (command.meta.version !== undefined) optionRows.push(['--version', 'Show the version']);
  lines.push('', 'Options:', ...table(optionRows));
  if (subCommands.length > 0) {
    lines.push('', 'Commands:');
    lines.push(...table(subCommands.map(([name, sub]) => [name, firstSentence(sub.meta.description)])));
    lines.push('', `Run '${[...path, 'COMMAND'].join(' ')} --help' for a command's own options.`);
  }
  return `${lines.join('\n')}\n`;
}

/** A flag as typed on the command line: `--dry-run`, never `--dryRun`. */
export function toKebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function positionalHint(name: string, definition: ArgDef): string {
  return definition.valueHint ?? toKebabCase(name).toUpperCase().replace(/-/g, '_');
}

function optionSignature(name: string, definition: ArgDef): string {
  const aliases = [(definition as { alias?: string | string[] }).alias ?? []]
    .flat()
    .map((alias) => (alias.length === 1 ? `-${alias}` : `--${toKebabCase(alias)}`));
  const flag = `--${toKebabCase(name)}`;
  if (definition.type === 'boolean') {
    // A flag on by default is turned off with --no-…: show that form.
    const shown = definition.default === true ? `--no-${toKebabCase(name)}` : flag;
    return [...aliases, shown].join(', ');
  }
  const hint =
    definition.type === 'enum'
      ? (definition.options ?? []).join('|')
      : (definition.valueHint ?? toKebabCase(name).toUpperCase().replace(/-/g, '_'));
  return `${[...aliases, flag].join(', ')} ${hint}`;
}

function describe(definition: ArgDef): string {
  const parts = [definition.description ?? ''];
  if (definition.type === 'boolean' && definition.default === true) parts.push('(on by default)');
  else if (definition.default !== undefined && definition.default !== false)
    parts.push(`(default: ${String(definition.default)})`);
  if (definition.required === true && definition.type !== 'positional') parts.push('(required)');
  return parts.filter((part) => part !== '').join(' ');
}

function firstSentence(text: string): string {
  return text.split(/(?<=\.)\s/)[0] ?? text;
}

function table(rows: readonly [string, string][]): string[] {
  const width = Math.min(36, Math.max(...rows.map(([left]) => left.length)));
  return rows.map(([left, right]) =>
    right === ''
      ? `  ${left}`
      : left.length > width
        ? `  ${left}\n  ${' '.repeat(width)}  ${right}`
        : `  ${left.padEnd(width)}  ${right}`,
  );
}
