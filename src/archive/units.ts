import type { JobData, JobMeta, JobMetric, Unit } from "./generated/archive-types.js";

type Prefix = NonNullable<Unit["prefix"]> | "";

/**
 * The prefixes the archive schema allows and cc-backend's UI understands: none, and K to E. Values are
 * never scaled below the base unit, since milli- or micro-bytes would be unreadable there.
 */
const PREFIX_EXPONENT: Record<string, number> = { "": 0, K: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const PREFIX_BY_EXPONENT: Record<number, Prefix> = { 0: "", 3: "K", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E" };

/** Units worth rescaling: bytes and flops, per second or not (not loads, ratios or packet counts). */
const SCALABLE_BASE = /^(B|B\/s|F\/s|Flops\/s)$/;

export interface UnitChange {
  metric: string;
  from: string;
  to: string;
}

/**
 * Picks sensible prefixes for a job's byte and flop metrics, as cc-backend's importer intends: the
 * metric's average (node scope, else its first scope) is brought into [1, 1000) by a power of 1000,
 * and every series, statistic and the job's statistics in meta.json are scaled to match, so values and
 * units stay consistent. 14442 B/s becomes 14.44 KB/s; 0.02 GF/s becomes 20 MF/s. Changes in place.
 */
export function normalizeUnits(meta: JobMeta, data: JobData): UnitChange[] {
  const changes: UnitChange[] = [];
  for (const [metric, scopes] of Object.entries(data)) {
    // Unvalidated files may hold anything; only well-formed metrics are touched.
    if (!isObject(scopes)) continue;
    const entries = Object.values(scopes).filter(isWellFormed);
    const reference = isWellFormed(scopes.node) ? scopes.node : entries[0];
    if (!reference || !SCALABLE_BASE.test(reference.unit.base)) continue;
    const prefix = reference.unit.prefix ?? "";
    const exponent = PREFIX_EXPONENT[prefix];
    if (exponent === undefined) continue;
    const avgs = reference.series.map((s) => s.statistics?.avg).filter((v): v is number => typeof v === "number" && Number.isFinite(v));
    if (avgs.length === 0) continue;
    const avg = avgs.reduce((a, b) => a + b, 0) / avgs.length;
    if (!(avg > 0)) continue;
    let shift = 0; // in powers of 1000
    while (avg / 1000 ** shift >= 1000 && PREFIX_BY_EXPONENT[exponent + 3 * (shift + 1)] !== undefined) shift++;
    while (avg / 1000 ** shift < 1 && PREFIX_BY_EXPONENT[exponent + 3 * (shift - 1)] !== undefined) shift--;
    if (shift === 0) continue;
    const factor = 1000 ** -shift;
    const scale = (v: number | null | undefined) => (typeof v === "number" ? v * factor : v);
    const newPrefix = PREFIX_BY_EXPONENT[exponent + 3 * shift]!;
    for (const scoped of entries) {
      if ((scoped.unit.prefix ?? "") !== prefix || scoped.unit.base !== reference.unit.base) continue;
      for (const series of scoped.series) {
        series.data = series.data.map((v) => scale(v) as number | null);
        if (series.statistics) series.statistics = { min: scale(series.statistics.min)!, avg: scale(series.statistics.avg)!, max: scale(series.statistics.max)! };
      }
      if (scoped.statisticsSeries) {
        const s = scoped.statisticsSeries as Record<string, unknown>;
        for (const [key, values] of Object.entries(s)) {
          if (Array.isArray(values)) s[key] = values.map((v) => (Array.isArray(v) ? v.map((x) => scale(x as number)) : scale(v as number)));
          else if (values && typeof values === "object") {
            s[key] = Object.fromEntries(Object.entries(values).map(([p, arr]) => [p, (arr as number[]).map((x) => scale(x))]));
          }
        }
      }
      scoped.unit = withPrefix(scoped.unit, newPrefix);
    }
    const stat = meta.statistics?.[metric];
    if (stat && (stat.unit.prefix ?? "") === prefix && stat.unit.base === reference.unit.base) {
      meta.statistics![metric] = { ...stat, min: scale(stat.min)!, avg: scale(stat.avg)!, max: scale(stat.max)!, unit: withPrefix(stat.unit, newPrefix) };
    }
    changes.push({ metric, from: `${prefix}${reference.unit.base}`, to: `${newPrefix}${reference.unit.base}` });
  }
  return changes;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isWellFormed(metric: unknown): metric is JobMetric {
  return (
    isObject(metric) &&
    isObject(metric.unit) &&
    typeof metric.unit.base === "string" &&
    Array.isArray(metric.series) &&
    metric.series.every((s) => isObject(s) && Array.isArray(s.data))
  );
}

function withPrefix(unit: Unit, prefix: Prefix): Unit {
  const { prefix: _old, ...rest } = unit;
  return prefix === "" ? rest : { ...rest, prefix };
}
