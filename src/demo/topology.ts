import type { Accelerator, Topology } from "../archive/generated/archive-types.js";

/** PCI addresses as nvidia-smi reports them on an 8-GPU node; cc-backend uses them as device ids. */
export const GPU_BUS_IDS = ["01", "25", "41", "61", "81", "A1", "C1", "E1"].map((bus) => `00000000:${bus}:00.0`);

export interface NodeShape {
  sockets: number;
  coresPerSocket: number;
  memoryDomains: number;
  gpus?: { count: number; model: string };
}

/** Hardware threads numbered socket by socket, one per core (SMT off, as on fritz and alex). */
export function buildTopology(shape: NodeShape): Topology {
  const cores = shape.sockets * shape.coresPerSocket;
  const node = Array.from({ length: cores }, (_, i) => i);
  const groups = (count: number) => {
    const size = cores / count;
    return Array.from({ length: count }, (_, g) => node.slice(g * size, (g + 1) * size));
  };
  const topology: Topology = {
    node,
    socket: groups(shape.sockets),
    memoryDomain: groups(shape.memoryDomains),
    core: node.map((t) => [t]),
  };
  if (shape.gpus) {
    const { count, model } = shape.gpus;
    topology.accelerators = GPU_BUS_IDS.slice(0, count).map((id): Accelerator => ({ id, type: "Nvidia GPU", model }));
  }
  return topology;
}
