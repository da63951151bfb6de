import { Client, fetchExchange } from "@urql/core";

/** The one GraphQL client of the app; the session cookie travels with every request. */
export const client = new Client({
  url: "/query",
  exchanges: [fetchExchange],
  fetchOptions: { credentials: "same-origin" },
  requestPolicy: "cache-and-network",
  // POST with a JSON body, as cc-backend's own UI does: cross-site pages cannot send it without CORS.
  preferGetMethod: false,
});
