import { ErrorBoundary, Show, Suspense, type JSX, type Resource } from "solid-js";

/**
 * Every async view goes through here: a spinner while loading, a message when the query failed —
 * never a blank page. `children` gets the data.
 */
export function QueryView<T>(props: { resource: Resource<T>; what: string; children: (data: T) => JSX.Element }) {
  return (
    <ErrorBoundary fallback={(error) => <div class="alert alert-danger" role="alert">Could not load {props.what}: {String(error?.message ?? error)}</div>}>
      <Suspense fallback={<div class="spinner-border spinner-border-sm text-secondary" role="status" aria-label={`Loading ${props.what}`} />}>
        <Show when={props.resource()}>{(data) => props.children(data())}</Show>
      </Suspense>
    </ErrorBoundary>
  );
}
