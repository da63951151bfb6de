import { createEffect, createSignal, Show } from "solid-js";
import { AXIS_COLOR, createElementWidth, drawAxes, FONT_FAMILY, formatNumber, GRID_COLOR, setupCanvas } from "./Histogram.js";

/** The roofs of one subcluster (GFLOP/s and GB/s, as in cluster.json). */
export interface Roof {
  name: string;
  flopRateScalar: number;
  flopRateSimd: number;
  memoryBandwidth: number;
}

export interface HeatmapProps {
  /** tiles[row][col]: samples per cell; row 0 is the lowest performance, col 0 the lowest intensity. */
  tiles: number[][];
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
  roofs?: Roof[];
  xlabel?: string;
  ylabel?: string;
  height?: number;
  title: string;
  testid?: string;
}

const PAD = { left: 58, right: 16, top: 12, bottom: 44 };

/** Colour of a cell from its share of the fullest cell: pale yellow to dark red. */
export function heatColor(share: number): string {
  const t = Math.sqrt(Math.min(1, Math.max(0, share)));
  return `hsl(${Math.round(55 - 55 * t)}, 95%, ${Math.round(85 - 50 * t)}%)`;
}

/** A roofline heatmap on log-log axes: where the node samples of the jobs fall, with the roofs on top. */
export function Heatmap(props: HeatmapProps) {
  let container: HTMLDivElement | undefined;
  let canvas!: HTMLCanvasElement;
  const width = createElementWidth(() => container);
  const height = () => props.height ?? 300;
  const [tip, setTip] = createSignal<{ x: number; y: number; text: string }>();
  const maxCount = () => Math.max(0, ...props.tiles.map((row) => Math.max(0, ...row)));

  const geometry = () => {
    const w = width();
    const h = height();
    const plotW = w - PAD.left - PAD.right;
    const plotH = h - PAD.top - PAD.bottom;
    const [lx0, lx1, ly0, ly1] = [props.minX, props.maxX, props.minY, props.maxY].map(Math.log10) as [number, number, number, number];
    const toX = (x: number) => PAD.left + ((Math.log10(x) - lx0) / (lx1 - lx0)) * plotW;
    const toY = (y: number) => PAD.top + plotH - ((Math.log10(y) - ly0) / (ly1 - ly0)) * plotH;
    const fromX = (px: number) => 10 ** (lx0 + ((px - PAD.left) / plotW) * (lx1 - lx0));
    const fromY = (py: number) => 10 ** (ly0 + ((PAD.top + plotH - py) / plotH) * (ly1 - ly0));
    return { w, h, plotW, plotH, toX, toY, fromX, fromY };
  };

  createEffect(() => {
    const { w, h, plotW, plotH, toX, toY } = geometry();
    if (w <= 0) return;
    const ctx = setupCanvas(canvas, w, h);
    if (!ctx) return;
    const rows = props.tiles.length;
    const cols = props.tiles[0]?.length ?? 0;
    const max = maxCount();

    // Tiles.
    if (rows > 0 && cols > 0 && max > 0) {
      const tileW = plotW / cols;
      const tileH = plotH / rows;
      props.tiles.forEach((row, i) =>
        row.forEach((count, j) => {
          if (count <= 0) return;
          ctx.fillStyle = heatColor(count / max);
          ctx.fillRect(PAD.left + j * tileW, PAD.top + plotH - (i + 1) * tileH, Math.ceil(tileW), Math.ceil(tileH));
        }),
      );
    }

    // Decades as grid lines.
    ctx.font = `11px ${FONT_FAMILY}`;
    ctx.strokeStyle = GRID_COLOR;
    ctx.fillStyle = AXIS_COLOR;
    ctx.beginPath();
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (let e = Math.ceil(Math.log10(props.minX) - 1e-9); 10 ** e <= props.maxX * (1 + 1e-9); e++) {
      const px = Math.round(toX(10 ** e)) + 0.5;
      ctx.moveTo(px, PAD.top);
      ctx.lineTo(px, PAD.top + plotH);
      ctx.fillText(formatNumber(10 ** e), px, PAD.top + plotH + 5);
    }
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (let e = Math.ceil(Math.log10(props.minY) - 1e-9); 10 ** e <= props.maxY * (1 + 1e-9); e++) {
      const py = Math.round(toY(10 ** e)) + 0.5;
      ctx.moveTo(PAD.left, py);
      ctx.lineTo(w - PAD.right, py);
      ctx.fillText(formatNumber(10 ** e), PAD.left - 6, py);
    }
    ctx.stroke();

    // Roofs: memory bandwidth up to the knee, then the SIMD peak; the scalar peak dashed.
    ctx.save();
    ctx.beginPath();
    ctx.rect(PAD.left, PAD.top, plotW, plotH);
    ctx.clip();
    ctx.strokeStyle = "#212529";
    ctx.lineWidth = 1.5;
    for (const roof of props.roofs ?? []) {
      if (!(roof.memoryBandwidth > 0 && roof.flopRateSimd > 0)) continue;
      const knee = roof.flopRateSimd / roof.memoryBandwidth;
      const startX = Math.max(props.minX, props.minY / roof.memoryBandwidth);
      ctx.setLineDash([]);
      ctx.beginPath();
      ctx.moveTo(toX(startX), toY(startX * roof.memoryBandwidth));
      ctx.lineTo(toX(knee), toY(roof.flopRateSimd));
      ctx.lineTo(toX(props.maxX), toY(roof.flopRateSimd));
      ctx.stroke();
      if (roof.flopRateScalar > 0) {
        ctx.setLineDash([4, 4]);
        ctx.beginPath();
        ctx.moveTo(toX(roof.flopRateScalar / roof.memoryBandwidth), toY(roof.flopRateScalar));
        ctx.lineTo(toX(props.maxX), toY(roof.flopRateScalar));
        ctx.stroke();
      }
    }
    ctx.restore();

    if (max <= 0) {
      ctx.fillStyle = AXIS_COLOR;
      ctx.textAlign = "center";
      ctx.fillText("No samples", PAD.left + plotW / 2, PAD.top + plotH / 2);
    }
    drawAxes(ctx, w, h, PAD, props.xlabel ?? "Arithmetic intensity [FLOP/byte]", props.ylabel ?? "Performance [GFLOP/s]");
  });

  const onMove = (event: MouseEvent) => {
    const rect = canvas.getBoundingClientRect();
    const mx = event.clientX - rect.left;
    const my = event.clientY - rect.top;
    const { plotW, plotH, fromX, fromY, w } = geometry();
    const rows = props.tiles.length;
    const cols = props.tiles[0]?.length ?? 0;
    const col = Math.floor(((mx - PAD.left) / plotW) * cols);
    const row = Math.floor(((PAD.top + plotH - my) / plotH) * rows);
    const count = props.tiles[row]?.[col];
    if (count == null || col < 0 || row < 0) return setTip(undefined);
    const x0 = fromX(PAD.left + (col / cols) * plotW);
    const x1 = fromX(PAD.left + ((col + 1) / cols) * plotW);
    const y0 = fromY(PAD.top + plotH - (row / rows) * plotH);
    const y1 = fromY(PAD.top + plotH - ((row + 1) / rows) * plotH);
    setTip({
      x: Math.min(mx + 8, w - 260),
      y: Math.max(0, my - 28),
      text: `${formatNumber(count)} samples at ${formatNumber(x0)}–${formatNumber(x1)} FLOP/byte, ${formatNumber(y0)}–${formatNumber(y1)} GFLOP/s`,
    });
  };

  return (
    <div class="w-100" data-testid={props.testid ?? "heatmap"}>
      <div ref={container} class="position-relative w-100">
        <canvas ref={canvas} role="img" aria-label={`${props.title}: up to ${maxCount()} samples per cell`} onMouseMove={onMove} onMouseLeave={() => setTip(undefined)} />
        <Show when={tip()}>
          {(t) => (
            <span class="position-absolute small bg-body border rounded px-1 pe-none" style={{ left: `${Math.max(0, t().x)}px`, top: `${t().y}px` }}>
              {t().text}
            </span>
          )}
        </Show>
      </div>
      <div class="d-flex flex-wrap align-items-center column-gap-3 small text-body-secondary ms-5">
        <span class="d-inline-flex align-items-center gap-1 text-nowrap">
          Samples per cell: 1
          <span class="d-inline-block rounded" style={{ width: "100px", height: "10px", background: `linear-gradient(to right, ${[0.02, 0.25, 0.5, 0.75, 1].map(heatColor).join(", ")})` }} aria-hidden="true" />
          {formatNumber(maxCount())}
        </span>
        <span>Roofs: memory bandwidth and SIMD peak (solid), scalar peak (dashed)</span>
      </div>
    </div>
  );
}
