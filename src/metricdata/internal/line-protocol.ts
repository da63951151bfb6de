/**
 * A hand-written scanner for InfluxDB line protocol as cc-metric-collector sends it:
 *
 *     <measurement>[,<tag>=<value>...] value=<number>[i|u] [<timestamp>]
 *
 * It works on the bytes of the body (no string per line, no regular expression) and hands each line
 * to a sink as byte offsets: the series key (measurement and tags, as written), the value and the
 * raw timestamp. Only lines whose key the sink has not seen before need
 * `decodeSeriesKey`, which undoes the escapes (`\,` `\ ` `\=` `\\`). A bad line is reported with its
 * number and a reason and never affects the lines around it.
 */

const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
const SPACE = 32;
const TAB = 9;
const HASH = 35;
const COMMA = 44;
const EQUALS = 61;
const BACKSLASH = 92;
const QUOTE = 34;

/** Exact powers of ten for the fast path of number parsing (exact up to 1e22 in binary64). */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/** One line as offsets into the scanned buffer. The same object is reused for every line. */
export interface ScannedLine {
  /** 1-based line number within the body. */
  line: number;
  /** The whole line, without its line break. */
  start: number;
  end: number;
  /** Measurement and tags exactly as written, up to the first unescaped space. */
  keyStart: number;
  keyEnd: number;
  /** A DataView of the scanned buffer, for word-wise access. */
  view: DataView;
  value: number;
  /** The timestamp as written (any precision), or NaN when the line has none. */
  timestamp: number;
}

export interface LineSink {
  line(buf: Buffer, line: ScannedLine): void;
  reject(buf: Buffer, line: ScannedLine, reason: string): void;
}

const scratch: ScannedLine = { line: 0, start: 0, end: 0, keyStart: 0, keyEnd: 0, value: 0, timestamp: Number.NaN, view: new DataView(new ArrayBuffer(0)) };

/** MurmurHash3 (x86, 32 bit) of buf[start, end), read as little-endian words. */
export function hashBytes(buf: Buffer, view: DataView, start: number, end: number): number {
  let h = end - start;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    let k = Math.imul(view.getInt32(i, true), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (((end - start) & 3) !== 0) {
    let k = 0;
    for (let shift = 0; i < end; i++, shift += 8) k |= buf[i]! << shift;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
  }
  h ^= end - start;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Scans the complete lines in buf[start, end) (a last line without line break counts as complete)
 * and returns the number the next line would have. Blank lines and `#` comments are skipped but
 * counted, so that line numbers match the body.
 */
export function scanLines(buf: Buffer, start: number, end: number, firstLine: number, sink: LineSink): number {
  let pos = start;
  let line = firstLine;
  scratch.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  while (pos < end) {
    let nl = buf.indexOf(NEWLINE, pos);
    if (nl === -1 || nl > end) nl = end;
    let lineEnd = nl;
    if (lineEnd > pos && buf[lineEnd - 1] === CARRIAGE_RETURN) lineEnd--;
    scanLine(buf, pos, lineEnd, line, sink);
    pos = nl + 1;
    line++;
  }
  return line;
}

function scanLine(buf: Buffer, start: number, end: number, lineNo: number, sink: LineSink): void {
  const p = scratch;
  p.line = lineNo;
  p.start = start;
  p.end = end;
  let i = start;
  while (i < end && (buf[i] === SPACE || buf[i] === TAB)) i++;
  if (i === end || buf[i] === HASH) return;
  p.keyStart = i;
  p.keyEnd = i;
  p.timestamp = Number.NaN;
  p.value = Number.NaN;

  // Series key: up to the first unescaped space (a space after an odd number of backslashes is escaped).
  let keyEnd = buf.indexOf(SPACE, i);
  while (keyEnd !== -1 && keyEnd < end && buf[keyEnd - 1] === BACKSLASH) {
    let backslashes = 0;
    for (let j = keyEnd - 1; j >= i && buf[j] === BACKSLASH; j--) backslashes++;
    if ((backslashes & 1) === 0) break;
    keyEnd = buf.indexOf(SPACE, keyEnd + 1);
  }
  if (keyEnd === -1 || keyEnd >= end) {
    p.keyEnd = end;
    return sink.reject(buf, p, "no field: expected <measurement>[,<tags>] value=<number> [<timestamp>]");
  }
  p.keyEnd = keyEnd;
  i = keyEnd;
  if (buf[p.keyStart] === COMMA) return sink.reject(buf, p, "missing measurement (metric name)");
  while (i < end && buf[i] === SPACE) i++;

  // Fields: exactly one, named "value".
  let haveValue = false;
  for (;;) {
    const keyStart = i;
    while (i < end) {
      const c = buf[i];
      if (c === EQUALS) break;
      if (c === BACKSLASH) i++;
      else if (c === SPACE || c === COMMA) return sink.reject(buf, p, "malformed field: expected <key>=<value>");
      i++;
    }
    if (i >= end) return sink.reject(buf, p, i === keyStart ? "no field: expected value=<number>" : "malformed field: expected <key>=<value>");
    const keyEnd = i;
    i++; // '='
    const isValue =
      keyEnd - keyStart === 5 && buf[keyStart] === 118 && buf[keyStart + 1] === 97 && buf[keyStart + 2] === 108 && buf[keyStart + 3] === 117 && buf[keyStart + 4] === 101;
    if (!isValue) return sink.reject(buf, p, `unknown field "${unescape(buf, keyStart, keyEnd)}" (only "value" is accepted)`);
    if (haveValue) return sink.reject(buf, p, 'field "value" given twice');
    if (buf[i] === QUOTE) return sink.reject(buf, p, "value is a string; a number is expected");
    const valueStart = i;
    while (i < end && buf[i] !== COMMA && buf[i] !== SPACE) i++;
    const value = parseNumber(buf, valueStart, i);
    if (value !== value) return sink.reject(buf, p, numberProblem);
    p.value = value;
    haveValue = true;
    if (i < end && buf[i] === COMMA) {
      i++;
      continue;
    }
    break;
  }

  // Optional timestamp: an unsigned integer.
  while (i < end && buf[i] === SPACE) i++;
  if (i < end) {
    const tsStart = i;
    let t = 0;
    while (i < end) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) break;
      t = t * 10 + d;
      i++;
    }
    if (i === tsStart || i - tsStart > 19 || (i < end && buf[i] !== SPACE && buf[i] !== TAB)) {
      return sink.reject(buf, p, "malformed timestamp: expected an unsigned integer");
    }
    while (i < end && (buf[i] === SPACE || buf[i] === TAB)) i++;
    if (i < end) return sink.reject(buf, p, "unexpected text after the timestamp");
    p.timestamp = t;
  }
  sink.line(buf, p);
}

/** Why the last parseNumber returned NaN. */
let numberProblem = "";

function fail(reason: string): number {
  numberProblem = reason;
  return Number.NaN;
}

/**
 * A field value: a float (`1`, `-2.5`, `3e9`, `.5`), an integer (`5i`) or an unsigned integer (`5u`).
 * NaN for anything else, with the reason in numberProblem; NaN and ±Inf themselves are refused.
 * Mantissas below 2^53 (up to 15–16 significant digits) with exponents within ±22 are converted
 * exactly by one multiplication or division; longer numbers go through Number().
 */
export function parseNumber(buf: Buffer, start: number, end: number): number {
  if (start === end) return fail("empty value");
  let i = start;
  let negative = false;
  let c = buf[i]!;
  if (c === 45 || c === 43) {
    negative = c === 45;
    i++;
    c = buf[i] ?? 0;
  }
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
    const lower = c | 0x20;
    if (lower === 116 || lower === 102) return fail("boolean values are not accepted; a number is expected");
    if (lower === 110 || lower === 105) return fail("NaN and Inf are not accepted");
    return fail("malformed number");
  }
  let mantissa = 0;
  let exponent = 0;
  let digits = 0;
  let decimal = false;
  while (i < end) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) break;
    mantissa = mantissa * 10 + d;
    digits++;
    i++;
  }
  if (i < end && buf[i] === 46) {
    decimal = true;
    i++;
    while (i < end) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) break;
      mantissa = mantissa * 10 + d;
        exponent--;
      digits++;
      i++;
    }
  }
  if (digits === 0) return fail("malformed number");
  let hasExponent = false;
  if (i < end && (buf[i] === 101 || buf[i] === 69)) {
    hasExponent = true;
    i++;
    let expNegative = false;
    if (i < end && (buf[i] === 45 || buf[i] === 43)) {
      expNegative = buf[i] === 45;
      i++;
    }
    let e = 0;
    const expStart = i;
    while (i < end) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) break;
      if (e < 100000) e = e * 10 + d;
      i++;
    }
    if (i === expStart) return fail("malformed number");
    exponent += expNegative ? -e : e;
  }
  let numberEnd = end;
  if (i === end - 1 && (buf[i] === 105 || buf[i] === 117)) {
    if (decimal || hasExponent) return fail("malformed integer");
    if (buf[i] === 117 && negative) return fail("negative unsigned integer");
    numberEnd = i;
    i++;
  }
  if (i !== end) return fail("malformed number");
  let value: number;
  // Clinger's fast path: an exact integer mantissa (every step below 2^53 was exact) and an exact power of ten.
  if (mantissa <= Number.MAX_SAFE_INTEGER && exponent >= -22 && exponent <= 22) {
    value = exponent >= 0 ? mantissa * POW10[exponent]! : mantissa / POW10[-exponent]!;
    if (negative) value = -value;
  } else {
    value = Number(buf.toString("latin1", start, numberEnd));
  }
  if (!Number.isFinite(value)) return fail("value is not a finite number");
  return value;
}

/** Bytes buf[start, end) as text with line protocol escapes undone. */
export function unescape(buf: Buffer, start: number, end: number): string {
  const first = buf.indexOf(BACKSLASH, start);
  if (first === -1 || first >= end) return buf.toString("utf8", start, end);
  const out = Buffer.allocUnsafe(end - start);
  let n = 0;
  for (let i = start; i < end; i++) {
    let c = buf[i]!;
    if (c === BACKSLASH && i + 1 < end) {
      const next = buf[i + 1]!;
      if (next === COMMA || next === SPACE || next === EQUALS || next === BACKSLASH || next === QUOTE) {
        c = next;
        i++;
      }
    }
    out[n++] = c;
  }
  return out.toString("utf8", 0, n);
}

export interface SeriesKey {
  measurement: string;
  tags: [string, string][];
}

/** Measurement and tags of a series key (ScannedLine.keyStart/keyEnd), or the reason it is malformed. */
export function decodeSeriesKey(buf: Buffer, start: number, end: number): SeriesKey | string {
  // Split at unescaped commas; remember each part's first unescaped '='.
  const parts: { s: number; e: number; eq: number }[] = [];
  let partStart = start;
  let eq = -1;
  for (let i = start; i <= end; i++) {
    const c = i < end ? buf[i] : COMMA;
    if (c === BACKSLASH && i + 1 < end) {
      i++;
      continue;
    }
    if (c === COMMA) {
      parts.push({ s: partStart, e: i, eq });
      partStart = i + 1;
      eq = -1;
    } else if (c === EQUALS && eq === -1) {
      eq = i;
    }
  }
  const measurement = parts[0]!;
  if (measurement.e === measurement.s) return "missing measurement (metric name)";
  const tags: [string, string][] = [];
  for (let k = 1; k < parts.length; k++) {
    const { s, e, eq: at } = parts[k]!;
    if (s === e) return "empty tag (two commas in a row, or a trailing comma)";
    if (at === -1) return `malformed tag "${unescape(buf, s, e)}": expected <key>=<value>`;
    if (at === s) return "tag with empty key";
    if (at + 1 === e) return `tag "${unescape(buf, s, at)}" has an empty value`;
    tags.push([unescape(buf, s, at), unescape(buf, at + 1, e)]);
  }
  return { measurement: unescape(buf, measurement.s, measurement.e), tags };
}
