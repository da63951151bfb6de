import { describe, expect, it } from "vitest";
import { createProgress } from "../../src/services/archive/progress.ts";

function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  return { stream: { isTTY, write: (chunk: string) => (written.push(chunk), true) } as never, written };
}

describe("import progress", () => {
  it("prints plain lines with count, rate and ETA when not on a terminal", () => {
    let clock = 1_000_000;
    const { stream, written } = fakeStream(false);
    const progress = createProgress(stream, { intervalMs: 5000, now: () => clock });
    clock += 10_000;
    progress.update(50_000, 3, 100_000);
    clock += 1000;
    progress.update(60_000, 3, 100_000); // within the interval: no line
    expect(written).toEqual(["[############------------]  50%  50,000 / 100,000 jobs  5,000/s  3 skipped  ETA 10 s\n"]);
  });

  it("redraws one line on a terminal and clears it at the end", () => {
    let clock = 0;
    const { stream, written } = fakeStream(true);
    const progress = createProgress(stream, { now: () => clock });
    clock += 1000;
    progress.update(10, 0, undefined);
    progress.finish();
    expect(written).toEqual(["\r\x1b[K10 jobs  10/s", "\r\x1b[K"]);
  });
});
