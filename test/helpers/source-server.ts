/**
 * The CLI run from source (through tsx) in a child process, so a test checks the code as it is,
 * built or not: one-shot commands with runFromSource(), the server with launchFromSource().
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { projectRoot } from "../../src/db/migrate/migration-files.ts";

const loaderUrl = pathToFileURL(path.join(projectRoot, "node_modules", "tsx", "dist", "loader.mjs")).href;
const mainUrl = pathToFileURL(path.join(projectRoot, "src", "cli", "main.ts")).href;

export interface SourceServer {
  child: ChildProcess;
  url: string;
  output(): string;
  exited: Promise<number | null>;
}

function spawnCli(args: string[], cwd: string): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const entry = `import { main } from ${JSON.stringify(mainUrl)}; process.exitCode = await main(process.argv.slice(1));`;
  const child = spawn(process.execPath, ["--import", loaderUrl, "--input-type=module", "-e", entry, "--", ...args], {
    cwd,
    env: { PATH: process.env.PATH },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** A one-shot command: its exit code and everything it printed. */
export async function runFromSource(args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  const run = spawnCli(args, cwd);
  const code = await run.exited;
  return { code, output: run.output() };
}

/** `--server` (plus `args`) in `cwd`, once it listens. */
export async function launchFromSource(cwd: string, args: string[] = []): Promise<SourceServer> {
  const { child, output, exited } = spawnCli(["--server", "--loglevel", "info", ...args], cwd);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const match = /cc-backend listening on (\S+)/.exec(output());
    if (match) return { child, url: `http://${match[1]}`, output, exited };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${output()}`);
    await sleep(50);
  }
}
