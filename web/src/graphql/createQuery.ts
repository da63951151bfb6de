import type { AnyVariables, TypedDocumentNode } from "@urql/core";
import { createResource, type Resource } from "solid-js";
import { client } from "./client.js";

/**
 * A Solid resource for one typed GraphQL query. GraphQL and network errors reject the resource, so
 * views show them through <ErrorBoundary> or `resource.error` instead of rendering nothing.
 */
export function createQuery<Data, Variables extends AnyVariables>(
  document: TypedDocumentNode<Data, Variables>,
  variables: () => Variables,
): Resource<Data> {
  const [resource] = createResource(variables, async (vars) => {
    const result = await client.query(document, vars).toPromise();
    if (result.error) throw new Error(result.error.message.replace(/^\[(GraphQL|Network)\] /, ""));
    if (!result.data) throw new Error("empty response from server");
    return result.data;
  });
  return resource;
}
