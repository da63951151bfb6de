// Writes api/schema.graphqls from the Pothos schema. The file is committed: the web UI's codegen reads
// it, and test/api/graphql-schema.test.ts fails when it is stale.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { printGraphqlSchema } from "../src/api/graphql/schema.ts";

writeFileSync(path.resolve(import.meta.dirname, "..", "api", "schema.graphqls"), printGraphqlSchema());
