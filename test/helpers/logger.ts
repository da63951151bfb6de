import { Writable } from "node:stream";
import { pino } from "pino";
import type { Logger } from "../../src/log.ts";

/** A real pino logger whose lines the test can read. */
export function captureLogger(): { logger: Logger; messages: () => string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), messages: () => lines.map((l) => (JSON.parse(l) as { msg: string }).msg) };
}
