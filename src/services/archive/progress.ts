/**
 * Progress of a long import on stderr: a redrawn line with rate and ETA on a terminal, a plain line
 * every few seconds otherwise (logs, CI).
 */
export interface Progress {
  update(done: number, skipped: number, total: number | undefined): void;
  finish(): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr, label = "jobs"): Progress {
  const started = Date.now();
  const tty = stream.isTTY === true;
  const interval = tty ? 200 : 5000;
  let last = 0;
  let drawn = false;
  const line = (done: number, skipped: number, total: number | undefined) => {
    const seconds = (Date.now() - started) / 1000;
    const rate = done / Math.max(seconds, 0.001);
    const parts = [`${done.toLocaleString("en-US")}${total ? ` / ${total.toLocaleString("en-US")}` : ""} ${label}`];
    if (total) parts.unshift(bar(done / total));
    parts.push(`${Math.round(rate).toLocaleString("en-US")}/s`);
    if (skipped) parts.push(`${skipped} skipped`);
    if (total && rate > 0) parts.push(`ETA ${Math.ceil(Math.max(0, total - done) / rate)} s`);
    return parts.join("  ");
  };
  return {
    update(done, skipped, total) {
      const now = Date.now();
      if (now - last < interval) return;
      last = now;
      if (tty) {
        stream.write(`\r\x1b[K${line(done, skipped, total)}`);
        drawn = true;
      } else stream.write(`${line(done, skipped, total)}\n`);
    },
    finish() {
      if (drawn) stream.write("\r\x1b[K");
    },
  };
}

function bar(fraction: number): string {
  const width = 24;
  const filled = Math.round(Math.min(1, fraction) * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(Math.min(1, fraction) * 100).toFixed(0).padStart(3)}%`;
}
