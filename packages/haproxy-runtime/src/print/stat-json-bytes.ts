import { readStatHeader } from '../parse/stat.js';
import { StatJsonPrinter } from './stat-json.js';

const comma = 0x2c;
const newline = 0x0a;
const quote = 0x22;
const backslash = 0x5c;
const minus = 0x2d;
const zero = 0x30;
const nine = 0x39;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
// What follows a row's columns, by the kind its `type` says.
const kindTails = ['frontend', 'backend', 'server', 'listener'].map((kind) =>
  encoder.encode(`,"kind":"${kind}","extra":{`),
);
const modulesOpening = encoder.encode('},"modules":{');
const emptyBytes = new Uint8Array(0);
// Column kinds, as `ColumnPlan['type']` says them, by number for the hot loop.
const [numberType, textType, moduleType, extraType] = [0, 1, 2, 3];
const columnTypes = ['number', 'text', 'module', 'extra', 'skip'];
const flushAt = 1 << 20;

/**
 * A row written cell by cell, kept so that the rows after it can copy from
 * it: its CSV bytes, where each cell starts in them, and where each cell's
 * part of the JSON starts in the output buffer.
 */
class TemplateRow {
  valid = false;
  data: Uint8Array = emptyBytes;
  start = 0;
  bytes = 0;
  cells = 0;
  // Per cell, and one past the last: its offset in the CSV row, and in the JSON row (from its `{`).
  readonly cellStarts: Int32Array;
  readonly jsonStarts: Int32Array;
  // Where the row's JSON starts in the output buffer, and its length.
  out = 0;
  jsonBytes = 0;

  constructor(columns: number) {
    this.cellStarts = new Int32Array(columns + 1);
    this.jsonStarts = new Int32Array(columns + 1);
  }
}

/**
 * The byte-level twin of `StatJsonPrinter`: `show stat` CSV bytes in, JSON
 * bytes out (one object a row, `,\n` between them), never decoding a cell into
 * a string when its bytes can be copied as they are: plain integers, and text
 * of printable ASCII. Anything else (a quoted cell, a non-ASCII byte, a number
 * that is not plain digits) goes through `StatJsonPrinter` for that row, so
 * the output is byte for byte what `JSON.stringify(parseStatCsv(…))` gives.
 *
 * Rows of one answer are much alike: the servers of a backend differ in their
 * name, id and address, and in the counters that are not 0. A row is compared
 * with a template row (an earlier one written cell by cell) byte by byte; the
 * JSON of the cells that are the same is copied from the template's, a run at
 * a time, and only the cells that differ are converted. For 40,000 servers
 * (9 MB of CSV, 31 MB of JSON) this is the difference between tens and
 * hundreds of ms.
 */
export class StatJsonByteEncoder {
  // The start of a line cut by the end of a chunk.
  private carry: Uint8Array = emptyBytes;
  private headerSeen = false;
  private types: Uint8Array = emptyBytes;
  // Every column's key as `,"name":` padded to whole 32-bit words (keys are copied four bytes at a
  // time), and per column where its words start and how many bytes the key has.
  private keyWords: Uint32Array = new Uint32Array(0);
  private keyPlaces: Int32Array = new Int32Array(0);
  private keyBytes = 0;
  private typeIndex = -1;
  // Where the extra and module cells of the row are (column, start, end), written after the rest.
  private deferred: Int32Array = new Int32Array(0);
  private deferredCount = 0;
  private out = new Uint8Array(flushAt + (flushAt >> 2));
  private view = new DataView(this.out.buffer);
  private length = 0;
  private rows = 0;
  private template = new TemplateRow(0);
  private readonly fallback: StatJsonPrinter;
  private fallbackJson = '';
  // The answer's line being read, 1-based: errors of the fallback name it.
  private lineNumber = 0;

  /** `flush` gets the JSON bytes in chunks of about a MB; the caller owns each chunk. */
  constructor(private readonly flush: (bytes: Uint8Array) => void) {
    this.fallback = new StatJsonPrinter((json) => {
      this.fallbackJson = json;
    });
  }

  /** Bytes of the answer, as they arrive. */
  push(bytes: Uint8Array): void {
    // A plain Uint8Array view of a Buffer: one kind of array in the hot loops, and slice() that copies.
    const chunk =
      Object.getPrototypeOf(bytes) === Uint8Array.prototype
        ? bytes
        : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    let start = 0;
    if (this.carry.length > 0) {
      // Only the cut line is joined; the rest of the chunk is read where it is.
      const end = chunk.indexOf(newline);
      if (end === -1) {
        this.carry = concat(this.carry, chunk, chunk.length);
        return;
      }
      const line = concat(this.carry, chunk, end);
      this.carry = emptyBytes;
      this.lineNumber++;
      if (line.length > 0) this.line(line, 0, line.length);
      start = end + 1;
    }
    for (let end = chunk.indexOf(newline, start); end !== -1; end = chunk.indexOf(newline, start)) {
      this.lineNumber++;
      if (end > start) this.line(chunk, start, end);
      start = end + 1;
    }
    if (start < chunk.length) this.carry = chunk.slice(start);
    // The caller may reuse the chunk: the template keeps a copy of its own row.
    const template = this.template;
    if (template.data === chunk) {
      template.data = chunk.slice(template.start, template.start + template.bytes);
      template.start = 0;
    }
  }

  /** The end of the answer: the last line, and what is left in the buffer. */
  end(): void {
    if (this.carry.length > 0) {
      this.lineNumber++;
      this.line(this.carry, 0, this.carry.length);
    }
    this.carry = emptyBytes;
    if (this.length > 0) this.flush(this.out.subarray(0, this.length));
    this.out = emptyBytes;
    this.length = 0;
    this.template.valid = false;
  }

  /** How many rows were written. */
  get rowCount(): number {
    return this.rows;
  }

  private line(data: Uint8Array, start: number, end: number): void {
    if (!this.headerSeen) {
      this.header(decoder.decode(data.subarray(start, end)));
      return;
    }
    // Room for the whole row written the fast way: every key, every byte, quotes and the tail.
    this.ensure(this.keyBytes + (end - start) * 3 + 256);
    if (this.rows > 0) {
      this.out[this.length++] = comma;
      this.out[this.length++] = newline;
    }
    this.rows++;
    const rowOut = this.length;
    if (this.template.valid && this.similarRow(data, start, end)) return this.flushWhenFull();
    this.length = rowOut;
    if (!this.fastRow(data, start, end)) {
      // The string path for this one row.
      this.template.valid = false;
      this.length = rowOut;
      this.fallback.pushLine(decoder.decode(data.subarray(start, end)), this.lineNumber);
      const json = encoder.encode(this.fallbackJson);
      this.ensure(json.length);
      this.out.set(json, this.length);
      this.length += json.length;
    }
    this.flushWhenFull();
  }

  private flushWhenFull(): void {
    if (this.length <= flushAt) return;
    // The filled buffer goes to the caller as it is; a new one takes its place (with no row to copy from).
    this.flush(this.out.subarray(0, this.length));
    this.out = new Uint8Array(this.out.length);
    this.view = new DataView(this.out.buffer);
    this.length = 0;
    this.template.valid = false;
  }

  private header(text: string): void {
    const { plan } = readStatHeader(text);
    this.fallback.pushLine(text, this.lineNumber);
    const keys = plan.map((column) => `,${JSON.stringify(column.name)}:`);
    const words = keys.map((key) => Math.ceil(key.length / 4));
    const bytes = new Uint8Array(words.reduce((sum, count) => sum + count * 4, 0));
    this.keyPlaces = new Int32Array(keys.length * 2);
    let at = 0;
    keys.forEach((key, k) => {
      bytes.set(encoder.encode(key), at);
      this.keyPlaces[2 * k] = at / 4;
      this.keyPlaces[2 * k + 1] = key.length;
      at += (words[k] as number) * 4;
    });
    // Read back little-endian, as copyKey writes them, whatever the machine's own order.
    const byteView = new DataView(bytes.buffer);
    this.keyWords = Uint32Array.from({ length: bytes.length / 4 }, (_, w) => byteView.getUint32(w * 4, true));
    this.keyBytes = keys.reduce((sum, key) => sum + key.length, 0);
    this.types = Uint8Array.from(plan.map((column) => columnTypes.indexOf(column.type)));
    this.typeIndex = plan.findIndex((column) => column.name === 'type');
    this.deferred = new Int32Array(plan.length * 3);
    this.template = new TemplateRow(plan.length);
    this.headerSeen = true;
  }

  /**
   * Writes a row cell by cell at `this.length` and makes it the template; false
   * when a cell needs the string path.
   */
  private fastRow(data: Uint8Array, start: number, end: number): boolean {
    const { types, template } = this;
    const { cellStarts, jsonStarts } = template;
    const count = types.length;
    const rowOut = this.length;
    template.valid = false;
    this.deferredCount = 0;
    this.out[this.length++] = openBrace;
    let position = start;
    let i = 0;
    for (; i < count && position <= end; i++) {
      cellStarts[i] = position - start;
      jsonStarts[i] = this.length - rowOut;
      const cellEnd = this.writeCell(data, position, end, i);
      if (cellEnd === -1) return false;
      position = cellEnd + 1;
    }
    if (i < 2) return false;
    cellStarts[i] = position - start;
    jsonStarts[i] = this.length - rowOut;
    this.writeTail(data, this.rowKind(data, start, cellStarts, i));
    template.valid = true;
    template.data = data;
    template.start = start;
    template.bytes = end - start;
    template.cells = i;
    template.out = rowOut;
    template.jsonBytes = this.length - rowOut;
    return true;
  }

  /**
   * Writes a row as the template's JSON with the cells that differ converted;
   * false (with `this.length` where it was) when the row is not alike enough:
   * another number of cells, or a different type, extra or module cell, whose
   * JSON is not in one piece with the cell's own.
   */
  private similarRow(data: Uint8Array, start: number, end: number): boolean {
    const { template, types, typeIndex } = this;
    const { cellStarts, jsonStarts, data: other, start: base, cells } = template;
    const otherEnd = base + template.bytes;
    const rowOut = this.length;
    this.out[this.length++] = openBrace;
    let a = start;
    let b = base;
    let cell = 0;
    let runFrom = 0;
    for (;;) {
      while (a < end && b < otherEnd && data[a] === other[b]) {
        a++;
        b++;
      }
      if (a === end && b === otherEnd) break;
      // Past the last column, bytes are not read at all.
      if (b >= base + (cellStarts[cells] as number)) break;
      // The bytes differ in the template's cell `cell` (or one after it): the cell that holds b.
      while (base + (cellStarts[cell + 1] as number) <= b) cell++;
      const type = types[cell];
      if (cell === typeIndex || type === moduleType || type === extraType) return this.notSimilar(rowOut);
      this.copyFromTemplate(jsonStarts[runFrom] as number, jsonStarts[cell] as number);
      // The cells before were the same, so this one starts as far before `a` as the template's before `b`.
      const cellEnd = this.writeCell(data, a - (b - base - (cellStarts[cell] as number)), end, cell);
      if (cellEnd === -1) return this.notSimilar(rowOut);
      cell++;
      runFrom = cell;
      // Done when every column is read, or both rows end here; else they have different numbers of cells.
      if (cell >= cells) {
        if (cells === types.length || cellEnd >= end) break;
        return this.notSimilar(rowOut);
      }
      if (cellEnd >= end) return this.notSimilar(rowOut);
      a = cellEnd + 1;
      b = base + (cellStarts[cell] as number);
    }
    // The rest of the row and its tail (kind, extra and modules) are the template's.
    this.copyFromTemplate(jsonStarts[runFrom] as number, template.jsonBytes);
    return true;
  }

  private notSimilar(rowOut: number): false {
    this.length = rowOut;
    return false;
  }

  // Copies the template's JSON between two offsets from its `{`.
  private copyFromTemplate(from: number, to: number): void {
    if (to <= from) return;
    const source = this.template.out;
    this.out.copyWithin(this.length, source + from, source + to);
    this.length += to - from;
  }

  /**
   * Writes cell `column` of a row (its key and value; extra and module cells
   * are noted for the tail) and returns where the cell ends (its comma, or the
   * end of the line), or -1 when it needs the string path.
   */
  private writeCell(data: Uint8Array, from: number, end: number, column: number): number {
    const { out, view } = this;
    const type = this.types[column];
    let length = this.length;
    let position = from;
    let byte = position < end ? (data[position] as number) : comma;
    if (byte === comma) {
      // An empty cell: absent from the row, except the two names every row has.
      if (column < 2) {
        length = copyKey(this.keyWords, this.keyPlaces, column, view, length, column === 0);
        out[length++] = quote;
        out[length++] = quote;
        this.length = length;
      }
      return position;
    }
    if (type === numberType) {
      // An integer as JSON prints it: digits without a leading zero, maybe a minus (not "-0"),
      // short enough to be an exact double. A quote is not a digit: quoted cells fail here too.
      length = copyKey(this.keyWords, this.keyPlaces, column, view, length, column === 0);
      if (byte === minus) out[length++] = data[position++] as number;
      const digitsStart = position;
      for (; position < end; position++) {
        byte = data[position] as number;
        if (byte === comma) break;
        if (byte < zero || byte > nine) return -1;
        out[length++] = byte;
      }
      const digits = position - digitsStart;
      if (digits === 0 || digits >= 16 || (data[digitsStart] === zero && (digits > 1 || digitsStart > from))) return -1;
    } else if (type === textType) {
      // Printable ASCII without a quote or a backslash: its JSON string is its bytes in quotes.
      length = copyKey(this.keyWords, this.keyPlaces, column, view, length, column === 0);
      out[length++] = quote;
      for (; position < end; position++) {
        byte = data[position] as number;
        if (byte === comma) break;
        if (byte < 0x20 || byte > 0x7e || byte === quote || byte === backslash) return -1;
        out[length++] = byte;
      }
      out[length++] = quote;
    } else {
      // Extra and module cells come after the others; skipped columns are only passed over.
      for (; position < end; position++) {
        byte = data[position] as number;
        if (byte === comma) break;
        if (byte === quote) return -1;
      }
      if (type === moduleType || type === extraType) {
        // The parser makes a module counter of digits a number: "007" would print as 7.
        if (type === moduleType ? !isPlainNatural(data, from, position) : !isPlainText(data, from, position)) return -1;
        const { deferred } = this;
        deferred[this.deferredCount++] = column;
        deferred[this.deferredCount++] = from;
        deferred[this.deferredCount++] = position;
      }
    }
    this.length = length;
    return position;
  }

  // The kind its type cell says (0 to 3), or 2 (server) as the parser does for anything else.
  private rowKind(data: Uint8Array, start: number, cellStarts: Int32Array, cells: number): number {
    const column = this.typeIndex;
    if (column < 0 || column >= cells) return 2;
    const from = start + (cellStarts[column] as number);
    const digit = (data[from] as number) - zero;
    return (cellStarts[column + 1] as number) - (cellStarts[column] as number) === 2 && digit >= 0 && digit <= 3
      ? digit
      : 2;
  }

  // The kind, then the extra cells (strings) and the module cells (numbers), each object's first key without its comma.
  private writeTail(data: Uint8Array, kind: number): void {
    const { out, view, deferred, types } = this;
    let length = this.length;
    const tail = kindTails[kind] as Uint8Array;
    for (let k = 0; k < tail.length; k++) out[length++] = tail[k] as number;
    for (let pass = extraType; pass >= moduleType; pass--) {
      let first = true;
      for (let d = 0; d < this.deferredCount; d += 3) {
        const column = deferred[d] as number;
        if (types[column] !== pass) continue;
        length = copyKey(this.keyWords, this.keyPlaces, column, view, length, first);
        first = false;
        if (pass === extraType) out[length++] = quote;
        for (let k = deferred[d + 1] as number, to = deferred[d + 2] as number; k < to; k++)
          out[length++] = data[k] as number;
        if (pass === extraType) out[length++] = quote;
      }
      if (pass === extraType)
        for (let k = 0; k < modulesOpening.length; k++) out[length++] = modulesOpening[k] as number;
    }
    out[length++] = closeBrace;
    out[length++] = closeBrace;
    this.length = length;
  }

  private ensure(more: number): void {
    if (this.length + more <= this.out.length) return;
    // Offsets stay as they were: the template can still be copied from.
    const bigger = new Uint8Array(Math.max(this.out.length * 2, this.length + more));
    bigger.set(this.out.subarray(0, this.length));
    this.out = bigger;
    this.view = new DataView(bigger.buffer);
  }
}

// Writes a column's key four bytes at a time; up to three bytes past its end are written too, and
// overwritten next. The first key of an object goes without its comma: it is written over the `{`
// before it, which is put back.
function copyKey(
  words: Uint32Array,
  places: Int32Array,
  column: number,
  view: DataView,
  at: number,
  first: boolean,
): number {
  const from = first ? at - 1 : at;
  const word = places[2 * column] as number;
  const size = places[2 * column + 1] as number;
  for (let w = word, to = word + ((size + 3) >> 2), position = from; w < to; w++, position += 4)
    view.setUint32(position, words[w] as number, true);
  if (first) view.setUint8(from, openBrace);
  return from + size;
}

function concat(head: Uint8Array, chunk: Uint8Array, take: number): Uint8Array {
  const joined = new Uint8Array(head.length + take);
  joined.set(head);
  joined.set(chunk.subarray(0, take), head.length);
  return joined;
}

// Digits as JSON prints the number they make: no leading zero, exact as a double.
function isPlainNatural(data: Uint8Array, from: number, to: number): boolean {
  if (to === from || to - from >= 16 || (data[from] === zero && to - from > 1)) return false;
  for (let k = from; k < to; k++) {
    const byte = data[k] as number;
    if (byte < zero || byte > nine) return false;
  }
  return true;
}

// Printable ASCII without a quote or a backslash: its JSON string is its bytes in quotes.
function isPlainText(data: Uint8Array, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const byte = data[k] as number;
    if (byte < 0x20 || byte > 0x7e || byte === quote || byte === backslash) return false;
  }
  return true;
}
