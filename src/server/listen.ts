import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type Koa from "koa";
import type { Config } from "../config/load.js";

export function parseListenAddress(addr: string): { host?: string; port: number } {
  const match = /^(?:\[?([^\]]*)\]?)?:(\d{1,5})$/.exec(addr);
  const port = match ? Number(match[2]) : Number.NaN;
  if (!match || port > 65535) throw new Error(`config key "addr" must be host:port or :port, got "${addr}"`);
  return { host: match[1] || undefined, port };
}

/** Starts HTTP, or HTTPS when both certificate files are configured. Resolves once listening. */
export async function listen(app: Koa, config: Config): Promise<http.Server> {
  const { host, port } = parseListenAddress(config.addr);
  const cert = config["https-cert-file"];
  const key = config["https-key-file"];
  const handler = app.callback();
  const server = cert && key ? https.createServer({ cert: readFileSync(cert), key: readFileSync(key) }, handler) : http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  dropPrivileges(config);
  return server;
}

/**
 * Config keys `group` and `user` (as cc-backend): after binding a privileged port as root, continue
 * as an unprivileged account. The group first: once the user is dropped it may no longer change it.
 */
export function dropPrivileges(config: Pick<Config, "user" | "group">): void {
  const { user, group } = config;
  if (!user && !group) return;
  if (typeof process.setuid !== "function" || typeof process.setgid !== "function") throw new Error('config keys "user"/"group" need a POSIX system');
  try {
    if (group) process.setgid(group);
    if (user) process.setuid(user);
  } catch (error) {
    throw new Error(`dropping privileges to user "${user ?? ""}" group "${group ?? ""}" failed: ${(error as Error).message}`);
  }
}
