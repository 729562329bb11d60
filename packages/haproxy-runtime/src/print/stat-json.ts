import {
  forEachStatLine,
  readModuleCell,
  readNumberCell,
  readStatHeader,
  splitQuoted,
  statRowKind,
  type ColumnPlan,
} from '../parse/stat.js';

/**
 * `show stat` CSV straight to JSON, a row a string, without building the row
 * objects: each string is exactly `JSON.stringify` of the row `parseStatCsv`
 * returns (the tests hold it to that), at a fraction of the cost for 40,000
 * servers. Typing and errors are the parser's own. Feed it the answer line by
 * line as it arrives (`pushLine`), or whole (`printStatJson`).
 */
export class StatJsonPrinter {
  private plan: ColumnPlan[] | undefined;
  // Per column: its kind as a small number and its key with the comma before it.
  private types: number[] = [];
  private keys: string[] = [];
  private typeIndex = -1;
  private lineNumber = 0;

  /** `write` gets each row's JSON, without a separator. */
  constructor(private readonly write: (json: string) => void) {}

  /**
   * One line of the answer, without its newline; the first is the header.
   * `lineNumber` (1-based, for errors) defaults to the line after the last one pushed.
   */
  pushLine(line: string, lineNumber: number = this.lineNumber + 1): void {
    this.lineNumber = lineNumber;
    if (line.length === 0) return;
    if (this.plan === undefined) {
      this.plan = readStatHeader(line).plan;
      this.keys = this.plan.map((column) => `,${JSON.stringify(column.name)}:`);
      this.types = this.plan.map((column) => columnTypes.indexOf(column.type));
      this.typeIndex = this.plan.findIndex((column) => column.name === 'type');
      return;
    }
    this.write(this.rowJson(line));
  }

  // The hot loop, written out: 40,000 rows of ~150 cells, most of them empty (no string made for those).
  // A line with quotes (a check description with a comma, say) is split the slow, exact way first.
  private rowJson(line: string): string {
    const { types, keys, typeIndex } = this;
    const plan = this.plan as ColumnPlan[];
    const cells = line.includes('"') ? splitQuoted(line) : undefined;
    const count = cells ? Math.min(types.length, cells.length) : types.length;
    let json = '';
    let extra = '';
    let modules = '';
    let kind = 'server';
    let start = 0;
    let i = 0;
    for (; i < count && (cells !== undefined || start <= line.length); i++) {
      let cell: string;
      if (cells) cell = cells[i] as string;
      else {
        let end = line.indexOf(',', start);
        if (end === -1) end = line.length;
        cell = end > start ? line.slice(start, end) : '';
        start = end + 1;
      }
      if (cell.length > 0) {
        const type = types[i];
        if (type === numberType) {
          const text = numberJson((plan[i] as ColumnPlan).name, cell, this.lineNumber);
          json += keys[i] + text;
          if (i === typeIndex) kind = statRowKind(Number(text));
        } else if (type === textType) json += keys[i] + JSON.stringify(cell);
        else if (type === moduleType) modules += keys[i] + moduleJson(cell);
        else if (type === extraType) extra += keys[i] + JSON.stringify(cell);
      } else if (i < 2) json += i === 0 ? ',"pxname":""' : ',"svname":""';
    }
    if (i < 2) json += i === 0 ? ',"pxname":"","svname":""' : ',"svname":""';
    return `{${json.slice(1)},"kind":"${kind}","extra":{${extra.slice(1)}},"modules":{${modules.slice(1)}}}`;
  }
}

const columnTypes: ColumnPlan['type'][] = ['number', 'text', 'module', 'extra', 'skip'];
const [numberType, textType, moduleType, extraType] = [0, 1, 2, 3];

// A cell of plain digits is already its own JSON; anything else goes through Number, as the parser does.
function numberJson(name: string, cell: string, lineNumber: number): string {
  if (cell.length < 16 && isPlainInteger(cell)) return cell;
  const value = readNumberCell(name, cell, lineNumber);
  return Number.isFinite(value) ? String(value) : 'null';
}

function moduleJson(cell: string): string {
  const value = readModuleCell(cell);
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

function isPlainInteger(cell: string): boolean {
  const first = cell.charCodeAt(0);
  if (first === 48) return cell.length === 1;
  for (let i = 0; i < cell.length; i++) {
    const code = cell.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** `printStatJson` over a whole answer. */
export function printStatJson(text: string, write: (json: string) => void): void {
  const { bodyStart } = readStatHeader(text);
  const printer = new StatJsonPrinter(write);
  printer.pushLine(text.slice(0, bodyStart).replace(/\n$/, ''));
  forEachStatLine(text, bodyStart, (line, lineNumber) => printer.pushLine(line, lineNumber));
}
