#!/usr/bin/env node
// The CLI entry of the compiled server (npm run build writes dist/).
import { main } from "../dist/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
