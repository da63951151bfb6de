import { Client, fetchExchange } from "@urql/core";

/** Not logged in, or the session expired: the server answers 401, and the app goes to the login page. */
const fetchOrLogin: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  if (response.status === 401) window.location.assign("/login");
  return response;
};

/** The one GraphQL client of the app; the session cookie travels with every request. */
export const client = new Client({
  url: "/query",
  fetch: fetchOrLogin,
  exchanges: [fetchExchange],
  fetchOptions: { credentials: "same-origin" },
  requestPolicy: "cache-and-network",
  // POST with a JSON body, as cc-backend's own UI does: cross-site pages cannot send it without CORS.
  preferGetMethod: false,
});
