import type Router from "@koa/router";
import { requireRole } from "../../server/auth.js";
import { clusterConfigs } from "../../services/clusters.js";
import type { ServiceContext } from "../../services/context.js";
import { onlyQuery, queryValues, sendJson } from "./http.js";
import type { Schemas } from "./openapi.js";

/** GET /api/clusters/ (from later cc-backend versions): the archive's cluster.json files; role `api`. */
export function clusterRoutes(router: Router, services: ServiceContext): void {
  router.get("/clusters/", requireRole("api"), (ctx) => {
    const query = queryValues(ctx);
    onlyQuery(query, ["cluster"]);
    const clusters = clusterConfigs(services, query.get("cluster")?.[0]);
    sendJson(ctx, 200, { clusters: clusters as unknown as Schemas["Cluster"][] } satisfies Schemas["GetClustersResponse"]);
  });
}
