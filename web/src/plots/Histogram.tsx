import { createEffect, createSignal, onCleanup, onMount, Show, type Accessor } from "solid-js";

/* Canvas helpers shared by the histogram, scatter and heatmap plots. */

export const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
export const AXIS_COLOR = "#6c757d";
export const GRID_COLOR = "#dee2e6";

/** A crisp 2D context of `width` × `height` CSS pixels, cleared. */
export function setupCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | undefined {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.max(1, Math.round(width * dpr));
  canvas.height = Math.max(1, Math.round(height * dpr));
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext("2d");
  if (!ctx) return undefined;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}

/** The width of an element, kept up to date while it is resized (0 until it is laid out). */
export function createElementWidth(element: () => HTMLElement | undefined): Accessor<number> {
  const [width, setWidth] = createSignal(0);
  onMount(() => {
    const el = element();
    if (!el) return;
    setWidth(Math.floor(el.clientWidth));
    const observer = new ResizeObserver(() => setWidth(Math.floor(el.clientWidth)));
    observer.observe(el);
    onCleanup(() => observer.disconnect());
  });
  return width;
}

/** A step of 1, 2 or 5 × 10^n such that `range` is covered by at most about `maxTicks` ticks. */
export function niceStep(range: number, maxTicks: number): number {
  if (!(range > 0) || !Number.isFinite(range)) return 1;
  const rough = range / Math.max(1, maxTicks);
  const power = 10 ** Math.floor(Math.log10(rough));
  for (const factor of [1, 2, 5, 10]) if (factor * power >= rough) return factor * power;
  return 10 * power;
}

const SI = [
  [1e12, "T"],
  [1e9, "G"],
  [1e6, "M"],
  [1e3, "k"],
] as const;

/** 1234 → "1.23k", 0.5 → "0.5": short labels for axes and tooltips. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  for (const [scale, suffix] of SI) if (abs >= scale) return `${trim(value / scale)}${suffix}`;
  if (abs !== 0 && abs < 0.01) return value.toExponential(1);
  return trim(value);
}

function trim(value: number): string {
  return String(Number(value.toPrecision(3)));
}

/** The x and y axis lines of a plot area inside `pad`, and their labels. */
export function drawAxes(ctx: CanvasRenderingContext2D, width: number, height: number, pad: { left: number; right: number; bottom: number; top: number }, xlabel: string, ylabel: string) {
  const bottom = height - pad.bottom + 0.5;
  ctx.strokeStyle = "#212529";
  ctx.beginPath();
  ctx.moveTo(pad.left + 0.5, pad.top);
  ctx.lineTo(pad.left + 0.5, bottom);
  ctx.lineTo(width - pad.right, bottom);
  ctx.stroke();
  drawAxisLabels(ctx, width, height, pad, xlabel, ylabel);
}

function drawAxisLabels(ctx: CanvasRenderingContext2D, width: number, height: number, pad: { left: number; bottom: number; top: number }, xlabel: string, ylabel: string) {
  ctx.save();
  ctx.fillStyle = "#212529";
  ctx.font = `bold 12px ${FONT_FAMILY}`;
  ctx.textAlign = "center";
  ctx.textBaseline = "bottom";
  if (xlabel) ctx.fillText(xlabel, pad.left + (width - pad.left) / 2, height - 2);
  if (ylabel) {
    ctx.translate(12, pad.top + (height - pad.top - pad.bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = "middle";
    ctx.fillText(ylabel, 0, 0);
  }
  ctx.restore();
}

export interface HistoPoint {
  value: number;
  count: number;
}

export interface HistogramProps {
  /** Counts per integer value (hours, nodes) or, with `range`, per bin index 0 … bins-1. */
  data: HistoPoint[];
  xlabel: string;
  ylabel: string;
  /** Height in CSS pixels; the width follows the container. */
  height?: number;
  /** Bins of equal width over [min, max): the x axis shows the metric's values. */
  range?: { min: number; max: number; bins: number };
  /** Text for a bar's value in the tooltip (and the x ticks without `range`). */
  label?: (value: number) => string;
  /** Short description for screen readers. */
  title: string;
  testid?: string;
}

const PAD = { left: 58, right: 12, top: 12, bottom: 44 };

/** A bar chart of counts on a canvas, with a tooltip for the bar under the mouse. */
export function Histogram(props: HistogramProps) {
  let container: HTMLDivElement | undefined;
  let canvas!: HTMLCanvasElement;
  const width = createElementWidth(() => container);
  const height = () => props.height ?? 250;
  const [tip, setTip] = createSignal<{ x: number; text: string }>();

  /** Bars as slots: index → value, over the full span so that gaps stay visible. */
  const layout = () => {
    const data = props.data;
    const range = props.range;
    const lo = range ? 0 : Math.min(0, ...data.map((p) => p.value));
    const hi = range ? range.bins - 1 : Math.max(lo, ...data.map((p) => p.value));
    const slots = hi - lo + 1;
    const maxCount = Math.max(0, ...data.map((p) => p.count));
    return { lo, hi, slots, maxCount };
  };
  const labelOf = (value: number) => (props.label ? props.label(value) : formatNumber(value));

  createEffect(() => {
    const w = width();
    const h = height();
    if (w <= 0) return;
    const ctx = setupCanvas(canvas, w, h);
    if (!ctx) return;
    const { lo, slots, maxCount } = layout();
    const plotW = w - PAD.left - PAD.right;
    const plotH = h - PAD.top - PAD.bottom;
    ctx.font = `11px ${FONT_FAMILY}`;

    if (props.data.length === 0 || maxCount <= 0) {
      ctx.fillStyle = AXIS_COLOR;
      ctx.textAlign = "center";
      ctx.fillText("No data", w / 2, h / 2);
      drawAxisLabels(ctx, w, h, PAD, props.xlabel, props.ylabel);
      return;
    }

    // Y grid and ticks.
    const yStep = niceStep(maxCount, Math.max(2, Math.floor(plotH / 40)));
    const yMax = Math.ceil(maxCount / yStep) * yStep;
    const toY = (count: number) => PAD.top + plotH - (count / yMax) * plotH;
    ctx.strokeStyle = GRID_COLOR;
    ctx.fillStyle = AXIS_COLOR;
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    ctx.beginPath();
    for (let y = 0; y <= yMax + yStep / 2; y += yStep) {
      const py = Math.round(toY(y)) + 0.5;
      ctx.moveTo(PAD.left, py);
      ctx.lineTo(w - PAD.right, py);
      ctx.fillText(formatNumber(y), PAD.left - 6, py);
    }
    ctx.stroke();

    // Bars.
    const slotW = plotW / slots;
    const gap = slotW > 6 ? Math.min(4, slotW * 0.15) : 0;
    ctx.fillStyle = "#5b8fc7";
    for (const point of props.data) {
      const x = PAD.left + (point.value - lo) * slotW;
      const top = toY(point.count);
      ctx.fillRect(x + gap / 2, top, Math.max(1, slotW - gap), PAD.top + plotH - top);
    }

    // X ticks: the bins' values, or the metric's scale for `range`.
    ctx.fillStyle = AXIS_COLOR;
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    const range = props.range;
    if (range) {
      const span = range.max - range.min;
      const step = niceStep(span, Math.max(2, Math.floor(plotW / 70)));
      for (let v = Math.ceil(range.min / step) * step; v <= range.max + step * 1e-9; v += step) {
        const px = PAD.left + ((v - range.min) / span) * plotW;
        ctx.fillText(formatNumber(v), px, PAD.top + plotH + 5);
      }
    } else {
      const step = Math.max(1, niceStep(slots, Math.max(2, Math.floor(plotW / 60))));
      for (let v = Math.ceil(lo / step) * step; v <= layout().hi; v += step) {
        ctx.fillText(labelOf(v), PAD.left + (v - lo + 0.5) * slotW, PAD.top + plotH + 5);
      }
    }

    // Axes.
    drawAxes(ctx, w, h, PAD, props.xlabel, props.ylabel);
  });

  const onMove = (event: MouseEvent) => {
    const rect = canvas.getBoundingClientRect();
    const x = event.clientX - rect.left;
    const plotW = width() - PAD.left - PAD.right;
    const { lo, slots } = layout();
    if (x < PAD.left || x > PAD.left + plotW) return setTip(undefined);
    const value = lo + Math.floor(((x - PAD.left) / plotW) * slots);
    const point = props.data.find((p) => p.value === value);
    if (!point) return setTip(undefined);
    const text = props.range ? binLabel(props.range, value) : labelOf(value);
    setTip({ x: Math.min(x, width() - 160), text: `${text}: ${formatNumber(point.count)}` });
  };

  return (
    <div ref={container} class="position-relative w-100" data-testid={props.testid ?? "histogram"}>
      <canvas ref={canvas} role="img" aria-label={`${props.title}: ${props.data.length} bars`} onMouseMove={onMove} onMouseLeave={() => setTip(undefined)} />
      <Show when={tip()}>
        {(t) => (
          <span class="position-absolute top-0 small bg-body border rounded px-1 pe-none" style={{ left: `${Math.max(0, t().x)}px` }}>
            {t().text}
          </span>
        )}
      </Show>
    </div>
  );
}

/** "1.2 – 2.4": the interval of bin `index` of a `range`. */
export function binLabel(range: { min: number; max: number; bins: number }, index: number): string {
  const width = (range.max - range.min) / range.bins;
  return `${formatNumber(range.min + index * width)} – ${formatNumber(range.min + (index + 1) * width)}`;
}

/**
 * Per-job values into `bins` bins of equal width, each job weighted (by its node hours), as cc-backend's
 * analysis view: jobs without a value are left out.
 */
export function binValues(values: (number | null)[], weights: (number | null)[] | undefined, bins: number): { points: HistoPoint[]; range: { min: number; max: number; bins: number } } {
  const finite = values.map((v) => (v != null && Number.isFinite(v) ? v : null));
  const present = finite.filter((v): v is number => v != null);
  let min = Math.min(0, ...present);
  let max = Math.max(0, ...present);
  if (max <= min) max = min + 1;
  // A little headroom so that the largest value falls inside the last bin.
  max += (max - min) * 1e-9;
  const counts = new Array<number>(bins).fill(0);
  finite.forEach((v, i) => {
    if (v == null) return;
    const bin = Math.min(bins - 1, Math.floor(((v - min) / (max - min)) * bins));
    counts[bin]! += weights ? (weights[i] ?? 0) : 1;
  });
  if (present.length === 0) min = 0;
  return { points: counts.map((count, value) => ({ value, count })).filter((p) => p.count > 0), range: { min, max, bins } };
}
