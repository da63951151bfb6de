#!/usr/bin/env bash
# npm run demo: build, then on the first run set up ./var with a generated job archive (two clusters,
# ~5,000 jobs over 90 days, plus cc-backend's two example jobs), a migrated database filled from it,
# and the user demo (password demo, admin); then serve http://localhost:8080 with GraphQL Playground
# and Swagger UI. Running it again reuses ./var.
set -euo pipefail
cd "$(dirname "$0")/.."

npm run build
CLI="node bin/cc-backend.js"

if [ ! -f config.json ]; then
  rm -rf var/job-archive
  $CLI --generate-archive var/job-archive:5000
  $CLI --init
  node -e '
    const fs = require("fs");
    const config = JSON.parse(fs.readFileSync("config.json", "utf8"));
    config.clusters = ["alex", "emmy", "fritz"].map((name) => ({ name, metricDataRepository: { kind: "internal" } }));
    fs.writeFileSync("config.json", JSON.stringify(config, null, 2) + "\n");'
  $CLI --add-user demo:admin,api:demo
  $CLI --init-db
fi
$CLI --migrate-db
echo "demo: serving http://localhost:8080 (login demo / demo; GraphQL Playground at /playground, Swagger UI at /swagger/); stop with Ctrl-C"
exec $CLI --server --dev
