/**
 * Progress of a long import on stderr: a redrawn line with rate and ETA on a terminal, a plain line
 * every few seconds otherwise (logs, CI).
 */
export interface Progress {
  update(done: number, skipped: number, total: number | undefined): void;
  finish(): void;
}

export function createProgress(
  stream: Pick<NodeJS.WriteStream, "write" | "isTTY"> = process.stderr,
  options: { label?: string; intervalMs?: number; now?: () => number } = {},
): Progress {
  const now = options.now ?? Date.now;
  const label = options.label ?? "jobs";
  const started = now();
  const tty = stream.isTTY === true;
  const interval = options.intervalMs ?? (tty ? 200 : 5000);
  let last = 0;
  let drawn = false;
  const line = (done: number, skipped: number, total: number | undefined) => {
    const seconds = (now() - started) / 1000;
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
      const time = now();
      if (time - last < interval) return;
      last = time;
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
