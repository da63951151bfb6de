import path from "node:path";
import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

export default defineConfig({
  root: import.meta.dirname,
  plugins: [solid()],
  build: {
    outDir: path.resolve(import.meta.dirname, "../dist/web"),
    emptyOutDir: true,
    target: "es2022",
  },
  server: {
    proxy: { "/query": "http://localhost:8080", "/api": "http://localhost:8080" },
  },
});
