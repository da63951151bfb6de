import { defineConfig } from "prisma/config";

// Used by `prisma generate` only; migrations run through src/db/migrate (the WebAssembly schema engine).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
