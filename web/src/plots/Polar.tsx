import { createEffect } from "solid-js";

export interface PolarAxis {
  /** Metric name, written at the end of its axis. */
  label: string;
  /** Values relative to the metric's peak (1 = peak); drawn up to 1. */
  avg: number;
  max: number;
}

export interface PolarProps {
  axes: PolarAxis[];
  width: number;
  height: number;
}

const DATASETS = [
  { name: "Max", field: "max", line: "rgb(0, 102, 255)", fill: "rgba(0, 102, 255, 0.2)" },
  { name: "Avg", field: "avg", line: "rgb(255, 153, 0)", fill: "rgba(255, 153, 0, 0.25)" },
] as const;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/** A radar chart of a job's averages and maxima relative to the peaks of its metrics (canvas). */
export function Polar(props: PolarProps) {
  let canvas!: HTMLCanvasElement;

  const draw = () => {
    const { width, height, axes } = props;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    if (axes.length === 0) return;

    const cx = width / 2;
    const cy = height / 2 - 12;
    const radius = Math.max(10, Math.min(width, height - 24) / 2 - 40);
    const angle = (i: number) => -Math.PI / 2 + (2 * Math.PI * i) / axes.length;
    const clamp = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);

    ctx.font = `11px ${FONT}`;
    ctx.strokeStyle = "#bbbbbb";
    ctx.fillStyle = "#666666";
    ctx.lineWidth = 1;
    ctx.textAlign = "center";
    for (const [r, text] of [[1 / 3, "1/3"], [2 / 3, "2/3"], [1, "1.0"]] as const) {
      ctx.beginPath();
      ctx.arc(cx, cy, radius * r, 0, Math.PI * 2);
      ctx.stroke();
      ctx.fillText(text, cx + 12, cy - radius * r + 11);
    }
    ctx.fillStyle = "#212529";
    ctx.font = `12px ${FONT}`;
    axes.forEach((axis, i) => {
      const a = angle(i);
      ctx.beginPath();
      ctx.moveTo(cx, cy);
      ctx.lineTo(cx + Math.cos(a) * radius, cy + Math.sin(a) * radius);
      ctx.stroke();
      ctx.textBaseline = "middle";
      ctx.fillText(axis.label, cx + Math.cos(a) * (radius + 24), cy + Math.sin(a) * (radius + 12));
    });

    for (const set of DATASETS) {
      const points = axes.map((axis, i) => {
        const v = clamp(axis[set.field]);
        return [cx + Math.cos(angle(i)) * radius * v, cy + Math.sin(angle(i)) * radius * v] as const;
      });
      ctx.beginPath();
      points.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
      ctx.closePath();
      ctx.fillStyle = set.fill;
      ctx.strokeStyle = set.line;
      ctx.lineWidth = 1.5;
      ctx.fill();
      ctx.stroke();
      ctx.fillStyle = set.line;
      for (const [x, y] of points) {
        ctx.beginPath();
        ctx.arc(x, y, 2.5, 0, Math.PI * 2);
        ctx.fill();
      }
    }

    // Legend
    ctx.textAlign = "left";
    ctx.textBaseline = "alphabetic";
    ctx.font = `12px ${FONT}`;
    let x = 4;
    for (const set of DATASETS) {
      ctx.fillStyle = set.line;
      ctx.beginPath();
      ctx.arc(x + 5, height - 20, 5, 0, Math.PI * 2);
      ctx.fill();
      ctx.fillStyle = "#212529";
      ctx.fillText(set.name, x + 14, height - 16);
      x += 24 + ctx.measureText(set.name).width;
    }
    ctx.fillStyle = "#666666";
    ctx.fillText("relative to each metric's peak", x + 4, height - 16);
  };

  // Effects run after the canvas is in place; this one redraws on every change of data or size.
  createEffect(() => {
    void [props.axes, props.width, props.height];
    draw();
  });

  const summary = () => props.axes.map((a) => `${a.label}: avg ${(a.avg * 100).toFixed(0)} %, max ${(a.max * 100).toFixed(0)} % of peak`).join("; ");
  return <canvas ref={canvas} data-testid="polar-plot" role="img" aria-label={`Polar plot. ${summary()}`} title={summary()} />;
}
