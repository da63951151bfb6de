#!/usr/bin/env bash
# npm run demo: build, set up ./var with a migrated database, demo data and the user demo (password
# demo, admin), and serve http://localhost:8080. Running it again reuses ./var.
set -euo pipefail
cd "$(dirname "$0")/.."

npm run build
CLI="node bin/cc-backend.js"

if [ ! -f config.json ]; then
  $CLI --init
  $CLI --add-user demo:admin:demo
  # The demo runs open for now: login and roles arrive with the authentication work.
  node -e '
    const fs = require("fs");
    const config = JSON.parse(fs.readFileSync("config.json", "utf8"));
    config["disable-authentication"] = true;
    fs.writeFileSync("config.json", JSON.stringify(config, null, 2) + "\n");'
fi
$CLI --migrate-db
npx tsx scripts/demo-seed.ts ./var/job.db
echo "demo: serving http://localhost:8080 (GraphQL Playground at /playground); stop with Ctrl-C"
exec $CLI --server --dev
