// Used by scripts/demo.sh: starts a few running jobs on the demo server and keeps their metrics coming.
// Usage: tsx scripts/demo-feed.ts <server url>   (token in DEMO_API_TOKEN; reads ./config.json)
import { readFileSync } from "node:fs";
import { ClusterRegistry } from "../src/archive/clusters.ts";
import { FileArchive } from "../src/archive/file-backend.ts";
import { startLiveFeed } from "../src/demo/live-feed.ts";

const url = process.argv[2] ?? "http://127.0.0.1:8080";
const token = process.env.DEMO_API_TOKEN ?? "";
if (!token) throw new Error("DEMO_API_TOKEN is not set");
const config = JSON.parse(readFileSync("config.json", "utf8")) as { archive?: { path?: string }; "job-archive"?: { path?: string } };
const archive = await FileArchive.open((config.archive ?? config["job-archive"])?.path ?? "./var/job-archive");
const registry = await ClusterRegistry.load(archive);

// The server is starting in the background: wait until it answers.
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${url}/healthz`)).ok) break;
  } catch {
    if (i > 600) throw new Error(`no server at ${url}`);
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}
const feed = await startLiveFeed({ url, token, registry, log: (line) => console.error(`demo: ${line}`) });
setInterval(() => {
  feed.tick().catch((error: unknown) => console.error(`demo: writing live metrics failed: ${String(error)}`));
}, 60_000);
