import { randomBytes } from "node:crypto";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { gunzip, gzip } from "node:zlib";
import { promisify } from "node:util";
import { ArchiveError } from "./backend.js";

const gunzipAsync = promisify(gunzip);
const gzipAsync = promisify(gzip);

/** Reads and parses a JSON file (gunzipping *.gz); every failure names the file. */
export async function readJsonFile(file: string): Promise<unknown> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ArchiveError(`${file}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`);
  }
  if (file.endsWith(".gz")) {
    try {
      bytes = await gunzipAsync(bytes);
    } catch (error) {
      throw new ArchiveError(`${file}: broken gzip data (${(error as Error).message})`);
    }
  }
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw new ArchiveError(`${file}: not valid JSON (${(error as Error).message})`);
  }
}

/**
 * Writes JSON so that readers never see a half-written file: into a temporary file beside the target,
 * then renamed over it (atomic within one file system).
 */
export async function writeJsonFile(file: string, value: unknown): Promise<void> {
  const temporary = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    const text = JSON.stringify(value);
    const bytes = file.endsWith(".gz") ? await gzipAsync(text) : Buffer.from(text);
    await writeFile(temporary, bytes, { flag: "wx" });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new ArchiveError(`${file}: cannot write (${(error as Error).message})`);
  }
}
