/**
 * PostgreSQL numbers its parameters ($1, $2, ...); the services write `?` for all engines. Quoted
 * strings and identifiers are copied unchanged, so a `?` inside them stays text.
 */
export function numberedPlaceholders(sql: string): string {
  let out = "";
  let n = 0;
  let quote: string | undefined;
  for (const char of sql) {
    if (quote) {
      if (char === quote) quote = undefined;
      out += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      out += char;
    } else if (char === "?") {
      out += `$${++n}`;
    } else {
      out += char;
    }
  }
  return out;
}
