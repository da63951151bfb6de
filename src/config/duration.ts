/** Parses a Go time.ParseDuration string ("168h", "1h30m", "90s") into seconds; "" and "0" are 0. */
const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

export function parseDuration(text: string): number {
  if (text === "" || text === "0") return 0;
  let seconds = 0;
  let rest = text;
  const part = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/;
  while (rest.length > 0) {
    const match = part.exec(rest);
    if (!match) throw new Error(`invalid duration "${text}" (expected e.g. 168h, 1h30m, 90s)`);
    seconds += Number(match[1]) * UNIT_SECONDS[match[2]!]!;
    rest = rest.slice(match[0].length);
  }
  return seconds;
}
