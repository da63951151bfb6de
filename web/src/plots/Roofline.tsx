import { createEffect } from "solid-js";

export interface RooflinePoint {
  /** Arithmetic intensity, FLOP per byte. */
  x: number;
  /** Performance, GFLOP/s. */
  y: number;
  /** Position in time, 0 (start) to 1 (end): the colour of the dot. */
  t: number;
}

export interface Roofs {
  /** GFLOP/s */
  scalar: number;
  /** GFLOP/s */
  simd: number;
  /** GB/s */
  bandwidth: number;
}

export interface RooflineProps {
  points: RooflinePoint[];
  roofs?: Roofs | null;
  width: number;
  height: number;
}

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const PAD = { left: 52, right: 12, top: 10, bottom: 52 };

/** Blue (start) over green and yellow to red (end), as cc-backend's roofline colours time. */
export function timeColor(t: number): string {
  const c = Math.min(1, Math.max(0, t));
  const r = c < 0.5 ? 0 : c > 0.75 ? 255 : Math.floor((c - 0.5) * 4 * 255);
  const g = c > 0.25 && c < 0.75 ? 255 : Math.floor((c < 0.25 ? c * 4 : 1 - (c - 0.75) * 4) * 255);
  const b = c < 0.25 ? 255 : c > 0.5 ? 0 : Math.floor((1 - (c - 0.25) * 4) * 255);
  return `rgb(${r}, ${g}, ${b})`;
}

function decadeBelow(v: number): number {
  return 10 ** Math.floor(Math.log10(v));
}

function decadeAbove(v: number): number {
  return 10 ** Math.ceil(Math.log10(v));
}

function tickText(v: number): string {
  return v >= 1000 ? `${v / 1000}k` : String(Number(v.toPrecision(2)));
}

/** Performance over arithmetic intensity on log-log axes, with the roofs of the hardware (canvas). */
export function Roofline(props: RooflineProps) {
  let canvas!: HTMLCanvasElement;

  const draw = () => {
    const { width, height, roofs } = props;
    const points = props.points.filter((p) => p.x > 0 && p.y > 0 && Number.isFinite(p.x) && Number.isFinite(p.y));
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);

    // Whole decades around the data and the roofs (no spreading: there may be many thousand points).
    let [loX, hiX, loY, hiY] = [0.01, 1000, 1, Math.max(10, roofs?.simd ?? 0)];
    for (const p of points) {
      loX = Math.min(loX, p.x);
      hiX = Math.max(hiX, p.x);
      loY = Math.min(loY, p.y);
      hiY = Math.max(hiY, p.y);
    }
    const minX = Math.max(1e-3, decadeBelow(loX));
    const maxX = Math.min(1e5, decadeAbove(hiX));
    const minY = Math.max(1e-3, decadeBelow(loY));
    const maxY = Math.min(1e9, decadeAbove(hiY * 1.01));
    const w = width - PAD.left - PAD.right;
    const h = height - PAD.top - PAD.bottom;
    const [lx0, lx1, ly0, ly1] = [Math.log10(minX), Math.log10(maxX), Math.log10(minY), Math.log10(maxY)];
    const px = (x: number) => PAD.left + ((Math.log10(x) - lx0) / (lx1 - lx0)) * w;
    const py = (y: number) => PAD.top + h - ((Math.log10(y) - ly0) / (ly1 - ly0)) * h;

    // Grid and ticks, one per decade.
    ctx.strokeStyle = "#dddddd";
    ctx.fillStyle = "#495057";
    ctx.lineWidth = 1;
    ctx.font = `10px ${FONT}`;
    ctx.textAlign = "center";
    ctx.beginPath();
    for (let x = minX; x <= maxX * 1.0001; x *= 10) {
      ctx.moveTo(px(x), PAD.top);
      ctx.lineTo(px(x), PAD.top + h);
      ctx.fillText(tickText(x), px(x), PAD.top + h + 13);
    }
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (let y = minY; y <= maxY * 1.0001; y *= 10) {
      ctx.moveTo(PAD.left, py(y));
      ctx.lineTo(PAD.left + w, py(y));
      ctx.fillText(tickText(y), PAD.left - 4, py(y));
    }
    ctx.stroke();
    ctx.strokeStyle = "#888888";
    ctx.strokeRect(PAD.left, PAD.top, w, h);

    ctx.font = `12px ${FONT}`;
    ctx.fillStyle = "#212529";
    ctx.textAlign = "center";
    ctx.textBaseline = "alphabetic";
    ctx.fillText("Intensity [FLOP/byte]", PAD.left + w / 2, PAD.top + h + 30);
    ctx.save();
    ctx.translate(14, PAD.top + h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText("Performance [GFLOP/s]", 0, 0);
    ctx.restore();

    // Data: one dot per node and time point.
    ctx.save();
    ctx.beginPath();
    ctx.rect(PAD.left, PAD.top, w, h);
    ctx.clip();
    for (const p of points) {
      ctx.fillStyle = timeColor(p.t);
      ctx.beginPath();
      ctx.arc(px(p.x), py(p.y), 2.5, 0, Math.PI * 2);
      ctx.fill();
    }

    // Roofs: memory bandwidth up to the SIMD peak, then the scalar and SIMD ceilings.
    if (roofs && roofs.bandwidth > 0) {
      const simdKnee = roofs.simd / roofs.bandwidth;
      const scalarKnee = roofs.scalar / roofs.bandwidth;
      const startX = Math.max(minX, minY / roofs.bandwidth);
      ctx.strokeStyle = "#000000";
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(px(startX), py(roofs.bandwidth * startX));
      ctx.lineTo(px(simdKnee), py(roofs.simd));
      ctx.lineTo(px(maxX), py(roofs.simd));
      ctx.stroke();
      if (roofs.scalar > 0) {
        ctx.setLineDash([6, 4]);
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.moveTo(px(scalarKnee), py(roofs.scalar));
        ctx.lineTo(px(maxX), py(roofs.scalar));
        ctx.stroke();
        ctx.setLineDash([]);
      }
    }
    ctx.restore();

    // Time scale
    ctx.font = `11px ${FONT}`;
    ctx.textAlign = "left";
    ctx.fillStyle = "#212529";
    ctx.fillText("Start", PAD.left, height - 6);
    const end = "End";
    const from = PAD.left + 34;
    const to = PAD.left + w - ctx.measureText(end).width - 8;
    for (let x = from; x <= to; x += 8) {
      ctx.fillStyle = timeColor((x - from) / Math.max(1, to - from));
      ctx.fillRect(x, height - 14, 8, 8);
    }
    ctx.fillStyle = "#212529";
    ctx.fillText(end, to + 10, height - 6);
  };

  createEffect(() => {
    void [props.points, props.roofs, props.width, props.height];
    draw();
  });

  return <canvas ref={canvas} data-testid="roofline-plot" role="img" aria-label={`Roofline plot with ${props.points.length} points`} />;
}
