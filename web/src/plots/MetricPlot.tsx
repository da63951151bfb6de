import "uplot/dist/uPlot.min.css";
import { createEffect, onCleanup, onMount } from "solid-js";
import uPlot from "uplot";

export interface PlotSeries {
  label: string;
  data: (number | null)[];
}

export interface MetricPlotProps {
  /** Seconds between two points. */
  timestep: number;
  series: PlotSeries[];
  /** min/mean/max per timestep: drawn as a band with its mean instead of many lines. */
  statistics?: { min: (number | null)[]; mean: (number | null)[]; max: (number | null)[] };
  unit?: string;
  width: number;
  height: number;
  title?: string;
  /** Thresholds of the metric (cluster.json): horizontal lines for peak and alert. */
  thresholds?: { peak?: number | null; alert?: number | null };
  /** Called with [from, to] in seconds since the job start when the user drag-zooms. */
  onZoom?: (from: number, to: number) => void;
  /** Visible x range in seconds since the job start (kept when the data are replaced); unset: all. */
  xRange?: [number, number] | null;
}

const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

/** A metric's time series with uPlot: x is seconds since the job started. */
export function MetricPlot(props: MetricPlotProps) {
  let container!: HTMLDivElement;
  let plot: uPlot | undefined;

  const build = () => {
    plot?.destroy();
    const stats = props.statistics;
    const length = Math.max(0, ...(stats ? [stats.mean.length] : props.series.map((s) => s.data.length)));
    const x = Array.from({ length }, (_, i) => i * props.timestep);
    const lines = stats
      ? [
          { label: "min", data: stats.min, stroke: "#d62728", width: 1 },
          { label: "mean", data: stats.mean, stroke: "#000000", width: 2 },
          { label: "max", data: stats.max, stroke: "#2ca02c", width: 1 },
        ]
      : props.series.map((s, i) => ({ label: s.label, data: s.data, stroke: COLORS[i % COLORS.length]!, width: 1 }));
    const options: uPlot.Options = {
      width: props.width,
      height: props.height,
      title: props.title,
      legend: { show: lines.length <= 8 },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: false } },
      axes: [
        { label: "time", values: (_u, ticks) => ticks.map((t) => formatSeconds(t)) },
        { label: props.unit ?? "", size: 60 },
      ],
      series: [{}, ...lines.map((l) => ({ label: l.label, stroke: l.stroke, width: l.width, spanGaps: false }))],
      hooks: {
        setSelect: [
          (u) => {
            if (!props.onZoom || u.select.width < 2) return;
            props.onZoom(u.posToVal(u.select.left, "x"), u.posToVal(u.select.left + u.select.width, "x"));
          },
        ],
        draw: [
          (u) => {
            const { peak, alert } = props.thresholds ?? {};
            for (const [value, color] of [[peak, "rgba(0,0,0,0.35)"], [alert, "rgba(220,53,69,0.5)"]] as const) {
              if (value == null) continue;
              const y = u.valToPos(value, "y", true);
              if (!Number.isFinite(y)) continue;
              u.ctx.save();
              u.ctx.strokeStyle = color;
              u.ctx.setLineDash([5, 5]);
              u.ctx.beginPath();
              u.ctx.moveTo(u.bbox.left, y);
              u.ctx.lineTo(u.bbox.left + u.bbox.width, y);
              u.ctx.stroke();
              u.ctx.restore();
            }
          },
        ],
      },
    };
    if (stats) options.bands = [{ series: [3, 1], fill: "rgba(0,0,0,0.08)" }];
    plot = new uPlot(options, [x, ...lines.map((l) => l.data)] as uPlot.AlignedData, container);
    if (props.xRange) plot.setScale("x", { min: props.xRange[0], max: props.xRange[1] });
  };

  onMount(build);
  createEffect(() => {
    // Rebuild when data or size change (uPlot keeps no reactive state of its own).
    void [props.series, props.statistics, props.width, props.height, props.timestep, props.xRange];
    build();
  });
  onCleanup(() => plot?.destroy());
  return <div ref={container} data-testid="metric-plot" />;
}

export function formatSeconds(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, "0")}` : `${m}m`;
}
