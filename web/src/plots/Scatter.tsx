import { createEffect, createSignal, Show } from "solid-js";
import { AXIS_COLOR, createElementWidth, drawAxes, FONT_FAMILY, formatNumber, GRID_COLOR, niceStep, setupCanvas } from "./Histogram.js";

export interface ScatterProps {
  x: (number | null)[];
  y: (number | null)[];
  /** Weight of each point (node hours): the area of its circle. */
  size?: (number | null)[];
  xlabel: string;
  ylabel: string;
  /** Name of the weight in the tooltip. */
  sizeLabel?: string;
  height?: number;
  color?: string;
  title: string;
  testid?: string;
}

const PAD = { left: 58, right: 16, top: 12, bottom: 44 };

interface Point {
  x: number;
  y: number;
  s: number | null;
  px: number;
  py: number;
  r: number;
}

/** One circle per job on linear axes from zero; darker where circles overlap. */
export function Scatter(props: ScatterProps) {
  let container: HTMLDivElement | undefined;
  let canvas!: HTMLCanvasElement;
  const width = createElementWidth(() => container);
  const height = () => props.height ?? 250;
  const [tip, setTip] = createSignal<{ x: number; y: number; text: string }>();
  let points: Point[] = [];

  createEffect(() => {
    const w = width();
    const h = height();
    if (w <= 0) return;
    const ctx = setupCanvas(canvas, w, h);
    if (!ctx) return;
    const plotW = w - PAD.left - PAD.right;
    const plotH = h - PAD.top - PAD.bottom;
    const raw: { x: number; y: number; s: number | null }[] = [];
    props.x.forEach((x, i) => {
      const y = props.y[i];
      if (x == null || y == null || !Number.isFinite(x) || !Number.isFinite(y)) return;
      raw.push({ x, y, s: props.size?.[i] ?? null });
    });
    ctx.font = `11px ${FONT_FAMILY}`;

    const scale = (values: number[], pixels: number) => {
      const min = Math.min(0, ...values);
      let max = Math.max(0, ...values);
      if (max <= min) max = min + 1;
      const step = niceStep(max - min, Math.max(2, Math.floor(pixels / 60)));
      return { min: Math.floor(min / step) * step, max: Math.ceil(max / step) * step, step };
    };
    const sx = scale(raw.map((p) => p.x), plotW);
    const sy = scale(raw.map((p) => p.y), plotH);
    const toX = (x: number) => PAD.left + ((x - sx.min) / (sx.max - sx.min)) * plotW;
    const toY = (y: number) => PAD.top + plotH - ((y - sy.min) / (sy.max - sy.min)) * plotH;

    // Grid and ticks.
    ctx.strokeStyle = GRID_COLOR;
    ctx.fillStyle = AXIS_COLOR;
    ctx.beginPath();
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (let y = sy.min; y <= sy.max + sy.step / 2; y += sy.step) {
      const py = Math.round(toY(y)) + 0.5;
      ctx.moveTo(PAD.left, py);
      ctx.lineTo(w - PAD.right, py);
      ctx.fillText(formatNumber(y), PAD.left - 6, py);
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (let x = sx.min; x <= sx.max + sx.step / 2; x += sx.step) {
      const px = Math.round(toX(x)) + 0.5;
      ctx.moveTo(px, PAD.top);
      ctx.lineTo(px, PAD.top + plotH);
      ctx.fillText(formatNumber(x), px, PAD.top + plotH + 5);
    }
    ctx.stroke();

    // Circles: area proportional to the weight.
    const maxS = Math.max(0, ...raw.map((p) => p.s ?? 0));
    const maxR = Math.max(6, Math.min(plotW, plotH) / 12);
    points = raw.map((p) => ({ ...p, px: toX(p.x), py: toY(p.y), r: props.size && maxS > 0 ? 2 + Math.sqrt(Math.max(0, p.s ?? 0) / maxS) * maxR : 3 }));
    ctx.save();
    ctx.beginPath();
    ctx.rect(PAD.left, PAD.top, plotW, plotH);
    ctx.clip();
    ctx.fillStyle = props.color ?? "rgba(0, 102, 204, 0.33)";
    for (const p of points) {
      ctx.beginPath();
      ctx.arc(p.px, p.py, p.r, 0, Math.PI * 2);
      ctx.fill();
    }
    ctx.restore();

    if (raw.length === 0) {
      ctx.fillStyle = AXIS_COLOR;
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillText("No data", PAD.left + plotW / 2, PAD.top + plotH / 2);
    }
    drawAxes(ctx, w, h, PAD, props.xlabel, props.ylabel);
  });

  const onMove = (event: MouseEvent) => {
    const rect = canvas.getBoundingClientRect();
    const mx = event.clientX - rect.left;
    const my = event.clientY - rect.top;
    let best: Point | undefined;
    let bestDistance = Infinity;
    for (const p of points) {
      const d = Math.hypot(p.px - mx, p.py - my);
      if (d <= Math.max(p.r, 6) && d < bestDistance) {
        best = p;
        bestDistance = d;
      }
    }
    if (!best) return setTip(undefined);
    const weight = best.s != null && props.sizeLabel ? `, ${props.sizeLabel}: ${formatNumber(best.s)}` : "";
    setTip({ x: Math.min(mx + 8, width() - 220), y: Math.max(0, my - 28), text: `${formatNumber(best.x)} / ${formatNumber(best.y)}${weight}` });
  };

  return (
    <div ref={container} class="position-relative w-100" data-testid={props.testid ?? "scatter"}>
      <canvas ref={canvas} role="img" aria-label={`${props.title}: ${props.x.length} jobs`} onMouseMove={onMove} onMouseLeave={() => setTip(undefined)} />
      <Show when={tip()}>
        {(t) => (
          <span class="position-absolute small bg-body border rounded px-1 pe-none" style={{ left: `${Math.max(0, t().x)}px`, top: `${t().y}px` }}>
            {t().text}
          </span>
        )}
      </Show>
    </div>
  );
}
