import type { CodegenConfig } from "@graphql-codegen/cli";

// Typed documents for the web UI, generated from the committed SDL (api/schema.graphqls) and the
// graphql() calls in web/src. Output goes to web/src/generated/, which is never edited by hand.
const config: CodegenConfig = {
  schema: "api/schema.graphqls",
  documents: ["web/src/**/*.{ts,tsx}", "!web/src/generated/**"],
  ignoreNoDocuments: false,
  generates: {
    "web/src/generated/graphql/": {
      preset: "client",
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { Time: "string", Any: "unknown", JobState: "string" },
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
