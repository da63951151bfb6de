import { integer, pick, type Random } from "./random.js";

export type Behaviour = "compute" | "memory" | "typical" | "idle" | "failing" | "gpu-heavy" | "gpu-idle";

/** An application: what it loads, how it is started and how its jobs tend to behave. */
export interface App {
  name: string;
  gpu: boolean;
  module: string;
  command: string;
  jobNames: readonly string[];
  behaviours: readonly (readonly [Behaviour, number])[];
  /** Typical largest node count on fritz; GPU apps scale in whole nodes of 8 GPUs. */
  maxNodes: number;
}

const cpu = (name: string, module: string, command: string, jobNames: string[], weights: [number, number, number, number, number], maxNodes: number): App => {
  const [compute, memory, typical, idle, failing] = weights;
  return { name, gpu: false, module, command, jobNames, maxNodes, behaviours: [["compute", compute], ["memory", memory], ["typical", typical], ["idle", idle], ["failing", failing]] };
};
const gpu = (name: string, module: string, command: string, jobNames: string[], weights: [number, number, number, number, number], maxNodes: number): App => {
  const [heavy, typical, gpuIdle, idle, failing] = weights;
  return { name, gpu: true, module, command, jobNames, maxNodes, behaviours: [["gpu-heavy", heavy], ["typical", typical], ["gpu-idle", gpuIdle], ["idle", idle], ["failing", failing]] };
};

// Weights: compute, memory, typical, idle, failing (CPU); gpu-heavy, typical, gpu-idle, idle, failing (GPU).
export const APPS: readonly App[] = [
  cpu("gromacs", "gromacs/2023.3-gcc11.2.0-mkl", "srun gmx_mpi mdrun -s topol.tpr -deffnm md -maxh 23.5", ["md_prod", "npt_equil", "membrane_sim"], [60, 5, 25, 3, 7], 64),
  cpu("lammps", "lammps/20230802-gcc12.1.0-openmpi", "srun lmp -in in.melt -log log.lammps", ["melt", "polymer_run", "lj_bench"], [45, 15, 30, 3, 7], 32),
  cpu("vasp", "vasp6/6.4.1-intel2022", "srun vasp_std", ["relax", "scf_bands", "md_300K"], [40, 20, 30, 2, 8], 16),
  cpu("openfoam", "openfoam/v2306-gcc11.2.0", "srun simpleFoam -parallel", ["motorbike", "pipe_flow", "les_channel"], [5, 70, 15, 3, 7], 64),
  cpu("wrf", "wrf/4.5-intel2022", "srun ./wrf.exe", ["forecast_d02", "wrf_run"], [10, 60, 20, 3, 7], 32),
  cpu("cp2k", "cp2k/2023.1-gcc11.2.0", "srun cp2k.psmp -i input.inp -o output.out", ["aimd", "geo_opt"], [35, 30, 25, 2, 8], 16),
  cpu("python", "python/3.10-anaconda", "python run_analysis.py", ["analysis", "postprocess", "preprocess"], [5, 10, 45, 30, 10], 1),
  cpu("matlab", "matlab/R2023a", "matlab -nodisplay -r \"run('main.m'); exit\"", ["matlab_batch", "param_sweep"], [10, 10, 45, 25, 10], 1),
  cpu("julia", "julia/1.9.3", "julia --threads=auto solver.jl", ["solver", "julia_bench"], [30, 25, 30, 5, 10], 4),
  gpu("pytorch", "python/pytorch-2.1py3.10", "torchrun --nproc_per_node=$SLURM_GPUS_ON_NODE train.py", ["train_resnet", "finetune_llm", "ddp_train"], [55, 25, 8, 2, 10], 8),
  gpu("tensorflow", "tensorflow/2.13.0", "python train.py --epochs 100", ["tf_train", "keras_model"], [45, 30, 12, 3, 10], 4),
  gpu("gromacs-gpu", "gromacs/2023.3-gcc11.2.0-cuda", "gmx mdrun -nb gpu -pme gpu -s topol.tpr", ["md_gpu", "protein_md"], [65, 25, 3, 1, 6], 2),
  gpu("alphafold", "alphafold/2.3.2", "run_alphafold.sh --fasta_paths=query.fasta", ["af2_predict", "multimer"], [30, 40, 20, 2, 8], 1),
  gpu("jupyter", "python/3.10-anaconda", "jupyter lab --no-browser --port=$PORT", ["jupyter", "notebook"], [10, 20, 45, 20, 5], 1),
];

export interface User {
  name: string;
  project: string;
  /** Share of this user's jobs that go to the GPU cluster. */
  gpuShare: number;
  apps: App[];
  /** Some users leave allocations idle far more often than others. */
  sloppy: boolean;
}

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/** ~20 projects named like NHR accounts (b123cd) and ~60 users (b123cd10) in them. */
export function createPopulation(random: Random, userCount = 60, projectCount = 20): User[] {
  const projects = new Set<string>();
  while (projects.size < projectCount) {
    projects.add(`${pick(random, ["b", "k", "v", "g"])}${integer(random, 100, 250)}${pick(random, [...LETTERS])}${pick(random, [...LETTERS])}`);
  }
  const projectList = [...projects];
  const cpuApps = APPS.filter((a) => !a.gpu);
  const gpuApps = APPS.filter((a) => a.gpu);
  const members = new Map<string, number>();
  const users: User[] = [];
  for (let i = 0; i < userCount; i++) {
    // Every project has a user; beyond that, sizes are skewed: earlier projects collect more users.
    const project = i < projectCount ? projectList[i]! : projectList[Math.min(projectCount - 1, Math.floor(projectCount * random() ** 1.6))]!;
    const n = (members.get(project) ?? 9) + 1;
    members.set(project, n);
    const kind = random();
    const gpuShare = kind < 0.3 ? 0.95 : kind < 0.4 ? 0.5 : 0.03;
    const apps = [pick(random, gpuShare > 0.5 ? gpuApps : cpuApps), pick(random, cpuApps), pick(random, gpuApps)];
    users.push({ name: `${project}${String(n).padStart(2, "0")}`, project, gpuShare, apps, sloppy: random() < 0.12 });
  }
  return users;
}
