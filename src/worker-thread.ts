import { Worker } from "node:worker_threads";

/**
 * Starts a worker thread from a module next to the caller, given as `new URL("./x.js", import.meta.url)`.
 * Built (dist/) the module is JavaScript and runs as is; from source (tsx, vitest) the caller's URL ends
 * in .ts, so the worker is the .ts sibling and registers tsx before importing it.
 */
export function startModuleWorker(callerUrl: string, relativeJs: string, workerData: unknown): Worker {
  if (!callerUrl.endsWith(".ts")) return new Worker(new URL(relativeJs, callerUrl), { workerData });
  const entry = new URL(relativeJs.replace(/\.js$/, ".ts"), callerUrl).href;
  // tsx is resolved here, from this package: an eval'd worker would resolve it from the working directory.
  const tsx = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}
