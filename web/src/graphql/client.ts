import { Client, fetchExchange } from "@urql/core";

/** Set once the app is on its way to the login page. */
let leaving = false;

/**
 * Not logged in, or the session expired: the server answers 401, and the app goes to the login page.
 * Once only: a view's queries all get 401 together, and each further navigation would abort the last.
 */
const fetchOrLogin: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  if (response.status === 401 && !leaving) {
    leaving = true;
    window.location.assign("/login");
  }
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
