/**
 * Host lists of cluster.json (`subClusters[].nodes`) in cc-backend's syntax: comma-separated terms, each
 * a mix of literal text and zero-padded ranges in brackets, e.g. `e[0101-0168],e[0201-0268]` or
 * `cn-0010,cn-00[13-18,22-24]`. `*` matches every host.
 */

type Part = { text: string } | { ranges: { start: number; end: number; digits: number }[] };

export class NodeListError extends Error {}

export class NodeList {
  private constructor(
    private readonly terms: Part[][],
    private readonly matchesAll: boolean,
  ) {}

  static parse(expression: string): NodeList {
    const text = expression.trim();
    if (text === "*") return new NodeList([], true);
    const terms: Part[][] = [];
    for (const raw of splitTerms(text)) {
      if (raw === "") throw new NodeListError(`empty host name in "${expression}"`);
      terms.push(parseTerm(raw, expression));
    }
    return new NodeList(terms, false);
  }

  contains(hostname: string): boolean {
    if (this.matchesAll) return true;
    return this.terms.some((term) => matchTerm(term, hostname));
  }

  /** Every host name the list stands for; not available for `*`. */
  hostnames(): string[] {
    if (this.matchesAll) throw new NodeListError("'*' does not name its hosts");
    const out: string[] = [];
    for (const term of this.terms) {
      let names = [""];
      for (const part of term) {
        if ("text" in part) names = names.map((n) => n + part.text);
        else {
          const expanded: string[] = [];
          for (const name of names) {
            for (const range of part.ranges) {
              for (let i = range.start; i <= range.end; i++) expanded.push(name + String(i).padStart(range.digits, "0"));
            }
          }
          names = expanded;
        }
      }
      out.push(...names);
    }
    return out;
  }

  count(): number {
    if (this.matchesAll) return 0;
    return this.terms.reduce(
      (sum, term) => sum + term.reduce((n, part) => ("text" in part ? n : n * part.ranges.reduce((r, x) => r + x.end - x.start + 1, 0)), 1),
      0,
    );
  }
}

/** Splits on commas that are not inside brackets. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "[") depth++;
    else if (text[i] === "]") depth--;
    else if (text[i] === "," && depth === 0) {
      terms.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  terms.push(text.slice(start).trim());
  return terms;
}

function parseTerm(raw: string, expression: string): Part[] {
  const parts: Part[] = [];
  let i = 0;
  while (i < raw.length) {
    if (raw[i] === "[") {
      const end = raw.indexOf("]", i);
      if (end === -1) throw new NodeListError(`unclosed '[' in "${expression}"`);
      const ranges = raw
        .slice(i + 1, end)
        .split(",")
        .map((range) => {
          const match = /^(\d+)-(\d+)$/.exec(range.trim());
          if (!match || match[1]!.length !== match[2]!.length) {
            throw new NodeListError(`range "${range}" in "${expression}" must be two numbers of equal length, like 001-128`);
          }
          const start = Number(match[1]);
          const end = Number(match[2]);
          if (start > end) throw new NodeListError(`range "${range}" in "${expression}" runs backwards`);
          return { start, end, digits: match[1]!.length };
        });
      parts.push({ ranges });
      i = end + 1;
    } else {
      const match = /^[A-Za-z0-9._-]+/.exec(raw.slice(i));
      if (!match) throw new NodeListError(`invalid character ${JSON.stringify(raw[i])} in "${expression}"`);
      parts.push({ text: match[0] });
      i += match[0].length;
    }
  }
  return parts;
}

function matchTerm(term: Part[], hostname: string): boolean {
  let rest = hostname;
  for (const part of term) {
    if ("text" in part) {
      if (!rest.startsWith(part.text)) return false;
      rest = rest.slice(part.text.length);
    } else {
      const digits = part.ranges[0]!.digits;
      const found = part.ranges.find((r) => {
        const numeral = rest.slice(0, r.digits);
        if (numeral.length !== r.digits || !/^\d+$/.test(numeral)) return false;
        const value = Number(numeral);
        return value >= r.start && value <= r.end;
      });
      if (!found) return false;
      rest = rest.slice(found.digits ?? digits);
    }
  }
  return rest === "";
}
