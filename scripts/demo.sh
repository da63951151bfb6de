#!/usr/bin/env bash
# npm run demo: build, then on the first run set up ./var with a generated job archive (two clusters,
# ~5,000 jobs over 90 days, plus cc-backend's two example jobs), a migrated database filled from it,
# and the user demo (password demo, admin); then serve http://localhost:8080 with GraphQL Playground
# and Swagger UI, and start a few running jobs whose metrics keep coming (live views have data).
# Running it again reuses ./var.
#
# Environment (for tests and tinkering): DEMO_ROOT (working directory, default this project),
# DEMO_JOBS (generated jobs, default 5000), DEMO_ADDR (listen address, default localhost:8080),
# DEMO_SKIP_BUILD=1 (use the existing build).
set -euo pipefail
PROJECT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$PROJECT"
[ "${DEMO_SKIP_BUILD:-}" = "1" ] || npm run build
CLI="node $PROJECT/bin/cc-backend.js"
TSX="$PROJECT/node_modules/.bin/tsx"
ROOT="${DEMO_ROOT:-$PROJECT}"
mkdir -p "$ROOT"
cd "$ROOT"

if [ ! -f config.json ]; then
  rm -rf var/job-archive
  $CLI --generate-archive "var/job-archive:${DEMO_JOBS:-5000}"
  $CLI --init
  DEMO_ADDR="${DEMO_ADDR:-localhost:8080}" node -e '
    const fs = require("fs");
    const config = JSON.parse(fs.readFileSync("config.json", "utf8"));
    config.addr = process.env.DEMO_ADDR;
    config.clusters = fs.readdirSync("var/job-archive", { withFileTypes: true })
      .filter((d) => d.isDirectory() && fs.existsSync(`var/job-archive/${d.name}/cluster.json`))
      .map((d) => ({ name: d.name, metricDataRepository: { kind: "internal" } }));
    fs.writeFileSync("config.json", JSON.stringify(config, null, 2) + "\n");'
  $CLI --add-user demo:admin,api:demo
  $CLI --init-db
fi
$CLI --migrate-db
ADDR="$(node -e 'console.log(JSON.parse(require("fs").readFileSync("config.json", "utf8")).addr)')"
URL="http://${ADDR/#:/localhost:}"
echo "demo: serving $URL (login demo / demo; GraphQL Playground at /playground, Swagger UI at /swagger/); stop with Ctrl-C"
$CLI --server --dev &
SERVER=$!
DEMO_API_TOKEN="$($CLI --jwt demo)" "$TSX" "$PROJECT/scripts/demo-feed.ts" "$URL" &
FEED=$!
# Ctrl-C or SIGTERM: the server shuts down gracefully (final checkpoint, archiving drained).
stop() {
  kill "$FEED" 2>/dev/null || true
  kill -TERM "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
  exit 0
}
trap stop INT TERM
wait "$SERVER" || true
kill "$FEED" 2>/dev/null || true
