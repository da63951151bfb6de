import type { JobFilter } from "../generated/graphql/graphql.js";

/** Start-time ranges of the filter bars, as cc-backend's quick selection. */
export const TIME_RANGES = [
  { key: "last6h", label: "Last 6 hours", seconds: 6 * 3600 },
  { key: "last24h", label: "Last 24 hours", seconds: 24 * 3600 },
  { key: "last7d", label: "Last 7 days", seconds: 7 * 86400 },
  { key: "last30d", label: "Last 30 days", seconds: 30 * 86400 },
  { key: "all", label: "All time", seconds: 0 },
] as const;

export type TimeRangeKey = (typeof TIME_RANGES)[number]["key"];

/** The first value of a search parameter. */
export function param(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A `startTime` URL parameter: one of TIME_RANGES' keys, or "from-to" in unix seconds (cc-backend's form). */
export function isValidStartTime(value: string | undefined): value is string {
  if (value == null) return false;
  return TIME_RANGES.some((r) => r.key === value) || /^\d+-\d+$/.test(value);
}

/** The startTime part of a job filter for a `startTime` URL parameter (now = the moment it is asked). */
export function startTimeFilter(value: string, now = Date.now()): JobFilter | undefined {
  const range = TIME_RANGES.find((r) => r.key === value);
  if (range) {
    if (range.seconds === 0) return undefined;
    return { startTime: { from: new Date(now - range.seconds * 1000).toISOString(), to: new Date(now).toISOString() } };
  }
  const match = /^(\d+)-(\d+)$/.exec(value);
  if (!match) return undefined;
  return { startTime: { from: new Date(Number(match[1]) * 1000).toISOString(), to: new Date(Number(match[2]) * 1000).toISOString() } };
}

/** "2024-05-01" (a date input's value, local time) → unix seconds at that day's start (or end). */
export function dateToUnix(date: string, endOfDay = false): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return undefined;
  const d = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), endOfDay ? 23 : 0, endOfDay ? 59 : 0, endOfDay ? 59 : 0);
  return Math.floor(d.getTime() / 1000);
}

export function unixToDate(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** 12345 → "12,345". */
export function formatInteger(value: number): string {
  return integer.format(value);
}
