import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";
import type { ClosableAdapterFactory } from "../adapter.js";

/**
 * Prisma's schema engine (the code behind `prisma migrate`), run in-process as WebAssembly because the
 * native engine cannot be downloaded on the machines this project targets. The package's own entry
 * imports the .wasm file as an ES module, which Node cannot do, so the bindings are wired up by hand.
 */

type Bindings = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");

let bindings: Promise<Bindings> | undefined;

/** Node's WebAssembly global; @types/node 20 does not declare it, so it is typed here as far as used. */
function wasmRuntime(): {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: object } }>;
} {
  return (globalThis as unknown as { WebAssembly: ReturnType<typeof wasmRuntime> }).WebAssembly;
}

async function loadBindings(): Promise<Bindings> {
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg"));
  // Imported by file path: the bindings must be the same module instance the .wasm imports call into.
  const bg = (await import(pathToFileURL(path.join(dir, "schema_engine_bg.js")).href)) as Bindings;
  const bytes = await readFile(path.join(dir, "schema_engine_bg.wasm"));
  const { instance } = await wasmRuntime().instantiate(bytes, { "./schema_engine_bg.js": bg });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
  return bg;
}

/** The engine reports Rust panics through this global; without it a panic surfaces as an unrelated TypeError. */
function installPanicRegistry(): { last: () => string | undefined } {
  let message: string | undefined;
  (globalThis as Record<string, unknown>).PRISMA_WASM_PANIC_REGISTRY = {
    set_message(msg: string) {
      message = msg;
    },
  };
  return { last: () => message };
}

export interface EngineHandle {
  /** Runs one engine command and turns its opaque failures (panics, "External error id#N") into readable errors. */
  run<T>(command: (engine: SchemaEngine) => Promise<T>): Promise<T>;
  /** Frees the engine and closes every connection it opened. */
  close(): Promise<void>;
}

export const NO_FILTERS = { externalTables: [], externalEnums: [] };

export class SchemaEngineError extends Error {}

export async function openSchemaEngine(
  datamodel: { path: string; content: string },
  adapterFactory: ClosableAdapterFactory,
): Promise<EngineHandle> {
  const panics = installPanicRegistry();
  bindings ??= loadBindings();
  const bg = await bindings;
  const bound = bindMigrationAwareSqlAdapterFactory(adapterFactory);
  const logs: string[] = [];
  const explain = (error: unknown): SchemaEngineError => {
    const message = error instanceof Error ? error.message : String(error);
    const external = /External error id#(\d+)/.exec(message);
    if (external) {
      const record = bound.errorRegistry.consumeError(Number(external[1]));
      const cause = record?.error as { cause?: { message?: string; originalMessage?: string }; message?: string } | undefined;
      const text = cause?.cause?.originalMessage ?? cause?.cause?.message ?? cause?.message ?? message;
      return new SchemaEngineError(`database error: ${text}`);
    }
    const panic = panics.last();
    return new SchemaEngineError(panic ? `schema engine panic: ${panic}` : message);
  };
  let engine: SchemaEngine;
  try {
    engine = await bg.SchemaEngine.new(
      { datamodels: [[datamodel.path, datamodel.content]] },
      (line: string) => logs.push(line),
      bound,
    );
  } catch (error) {
    throw explain(error);
  }
  return {
    async close() {
      engine.free();
      await adapterFactory.closeAll();
    },
    async run(command) {
      try {
        return await command(engine);
      } catch (error) {
        throw explain(error);
      }
    },
  };
}
