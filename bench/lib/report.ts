/** Prints benchmark rows as an aligned table, each with its floor and the ratio to it. */
export interface BenchRow {
  name: string;
  ours: number;
  floor: number;
  unit: string;
  /** true when bigger is better (rates); the ratio is then floor/ours, so > 1 always means slower. */
  higherIsBetter?: boolean;
  note?: string;
}

const format = (value: number) => (value >= 100 ? Math.round(value).toLocaleString("en-US") : value.toFixed(value >= 10 ? 1 : 3));

export function printTable(rows: BenchRow[]): void {
  const lines = [["benchmark", "ours", "floor", "ratio (× floor)", "note"]];
  for (const row of rows) {
    const ratio = row.higherIsBetter ? row.floor / row.ours : row.ours / row.floor;
    lines.push([row.name, `${format(row.ours)} ${row.unit}`, `${format(row.floor)} ${row.unit}`, `${ratio.toFixed(2)}×`, row.note ?? ""]);
  }
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  const render = (l: string[]) => `| ${l.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`;
  console.log(render(lines[0]!));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const l of lines.slice(1)) console.log(render(l));
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
