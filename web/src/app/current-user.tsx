import { createContext, useContext, type ParentProps } from "solid-js";
import { graphql } from "../generated/graphql/index.js";
import type { CurrentUserQuery } from "../generated/graphql/graphql.js";
import { createQuery } from "../graphql/createQuery.js";

const CurrentUserDocument = graphql(`
  query CurrentUser {
    currentUser {
      username
      name
      roles
      projects
    }
  }
`);

export type CurrentUser = CurrentUserQuery["currentUser"];

const Context = createContext<() => CurrentUser | undefined>(() => undefined);

/** Loads who is logged in once, for navigation by role. */
export function CurrentUserProvider(props: ParentProps) {
  const user = createQuery(CurrentUserDocument, () => ({}));
  return <Context.Provider value={() => user.latest?.currentUser}>{props.children}</Context.Provider>;
}

export function useCurrentUser(): () => CurrentUser | undefined {
  return useContext(Context);
}

export function hasRole(user: CurrentUser | undefined, ...roles: string[]): boolean {
  return !!user && roles.some((role) => user.roles.includes(role));
}
