import type { Config } from "../config/load.js";
import { ArchiveError } from "./backend.js";
import { FileArchive } from "./file-backend.js";

/** The archive of config `archive`; only the file backend exists so far. */
export async function openArchive(config: Config): Promise<FileArchive> {
  const { kind, path } = config.archive;
  if (kind !== "file") throw new ArchiveError(`archive kind "${kind}" is not supported yet (use "file")`);
  if (!path) throw new ArchiveError('config key "archive.path" is empty');
  return FileArchive.open(path, { validate: config.validate });
}
