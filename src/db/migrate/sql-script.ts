/**
 * Splits a MySQL migration script into its statements, so that they run one at a time and a failure
 * can name the statement (as Prisma's "query number N"), and what ran before it, which MySQL cannot
 * roll back. Understands quotes ('', "", ``), and -- , # and block comments; no DELIMITER.
 */
export function splitSqlStatements(script: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let hasCode = false;
  let i = 0;
  const n = script.length;
  const push = (end: number) => {
    if (hasCode) statements.push(script.slice(start, end).trim());
    start = end + 1;
    hasCode = false;
  };
  while (i < n) {
    const c = script[i]!;
    const next = script[i + 1];
    if (c === "'" || c === '"' || c === "`") {
      i = skipQuoted(script, i, c);
      hasCode = true;
    } else if (c === "#" || (c === "-" && next === "-" && /[\s]|^$/.test(script[i + 2] ?? ""))) {
      const eol = script.indexOf("\n", i);
      i = eol < 0 ? n : eol + 1;
    } else if (c === "/" && next === "*") {
      const close = script.indexOf("*/", i + 2);
      if (close < 0) throw new Error("unterminated /* comment in SQL script");
      // MySQL runs /*! ... */ as code.
      if (script[i + 2] === "!") hasCode = true;
      i = close + 2;
    } else if (c === ";") {
      push(i);
      i++;
    } else {
      if (!/\s/.test(c)) hasCode = true;
      i++;
    }
  }
  push(n);
  return statements;
}

function skipQuoted(script: string, open: number, quote: string): number {
  let i = open + 1;
  while (i < script.length) {
    const c = script[i]!;
    if (c === "\\" && quote !== "`") {
      i += 2;
    } else if (c === quote) {
      if (script[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  throw new Error(`unterminated ${quote} quote in SQL script`);
}
