import { createContext, Show, useContext, type ParentProps } from "solid-js";
import { graphql } from "../generated/graphql/index.js";
import type { CurrentUserQuery } from "../generated/graphql/graphql.js";
import { createQuery } from "../graphql/createQuery.js";
import { rememberSettings } from "./user-settings.js";

const CurrentUserDocument = graphql(`
  query CurrentUser {
    currentUser {
      username
      name
      roles
      projects
    }
    userSettings
  }
`);

export type CurrentUser = CurrentUserQuery["currentUser"];

const Context = createContext<() => CurrentUser | undefined>(() => undefined);

/**
 * Loads who is logged in and their UI settings once, before the views: they read their options
 * (selected metrics, plots per row) synchronously from then on.
 */
export function CurrentUserProvider(props: ParentProps) {
  const user = createQuery(CurrentUserDocument, () => ({}));
  const ready = () => {
    if (user.error) return true; // the views show their own errors (or the client went to /login)
    const data = user.latest;
    if (data) rememberSettings(data.userSettings);
    return data !== undefined;
  };
  return (
    <Context.Provider value={() => (user.error ? undefined : user.latest?.currentUser)}>
      <Show when={ready()} fallback={<div class="spinner-border spinner-border-sm text-secondary m-3" role="status" aria-label="Loading" />}>
        {props.children}
      </Show>
    </Context.Provider>
  );
}

export function useCurrentUser(): () => CurrentUser | undefined {
  return useContext(Context);
}

export function hasRole(user: CurrentUser | undefined, ...roles: string[]): boolean {
  return !!user && roles.some((role) => user.roles.includes(role));
}
