import { Match, Switch, type JSX, type Resource } from "solid-js";

/**
 * Every async view goes through here: a spinner while the first answer loads, a message when the
 * query failed — never a blank page. `children` gets the data, again whenever a reload (new filters,
 * a refresh) brings new data; a failed reload shows its error, a later successful one the data again.
 */
export function QueryView<T>(props: { resource: Resource<T>; what: string; children: (data: T) => JSX.Element }) {
  return (
    <Switch>
      <Match when={props.resource.error}>
        {(error) => (
          <div class="alert alert-danger" role="alert">
            Could not load {props.what}: {String((error() as Error)?.message ?? error())}
          </div>
        )}
      </Match>
      <Match when={props.resource.latest === undefined}>
        <div class="spinner-border spinner-border-sm text-secondary" role="status" aria-label={`Loading ${props.what}`} />
      </Match>
      {/* keyed: new data renders anew, rather than the first answer staying on screen. */}
      <Match when={props.resource.latest} keyed>
        {(data) => props.children(data)}
      </Match>
    </Switch>
  );
}
