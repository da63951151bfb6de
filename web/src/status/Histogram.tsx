import "uplot/dist/uPlot.min.css";
import { createEffect, onCleanup } from "solid-js";
import uPlot from "uplot";

export interface HistogramProps {
  data: readonly { value: number; count: number }[];
  width: number;
  height: number;
  xlabel: string;
  ylabel: string;
  /** Label for the whole plot, for screen readers. */
  label: string;
}

/** Bars of counts per value (uPlot), e.g. running jobs per duration in hours. */
export function Histogram(props: HistogramProps) {
  let container!: HTMLDivElement;
  let plot: uPlot | undefined;

  createEffect(() => {
    const points = [...props.data].sort((a, b) => a.value - b.value);
    plot?.destroy();
    const bars = uPlot.paths.bars?.({ size: [0.7, 60], align: 0 });
    const options: uPlot.Options = {
      width: props.width,
      height: props.height,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: {
          time: false,
          range: (_u, min, max) => [Math.min(0, min - 0.5), max + 0.5],
        },
        y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
      },
      axes: [
        { label: props.xlabel, values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : "")) },
        { label: props.ylabel, size: 50, values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : "")) },
      ],
      series: [{}, { label: props.ylabel, stroke: "#0d6efd", fill: "rgba(13,110,253,0.5)", width: 1, paths: bars, points: { show: false } }],
    };
    plot = new uPlot(options, [points.map((p) => p.value), points.map((p) => p.count)], container);
  });
  onCleanup(() => plot?.destroy());
  return <div ref={container} role="img" aria-label={props.label} data-testid="histogram" />;
}
