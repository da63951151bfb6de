import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { projectRoot } from "../../src/db/migrate/migration-files.ts";

/** The built CLI (npm test builds first), run as a user would: `cc-backend <flags>` in `cwd`. */
export const CLI = path.join(projectRoot, "bin", "cc-backend.js");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH, ...env }, encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `cc-backend --server ...` and resolves once it listens; stop() sends SIGTERM and waits. */
export async function startServer(args: string[], cwd: string): Promise<{ stop(): Promise<number | null>; output(): string; pid: number }> {
  const child = spawn(process.execPath, [CLI, "--server", ...args], { cwd, env: { PATH: process.env.PATH }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const check = () => {
      if (output.includes("cc-backend listening on")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    pid: child.pid!,
    output: () => output,
    async stop() {
      child.kill("SIGTERM");
      return exited;
    },
  };
}
