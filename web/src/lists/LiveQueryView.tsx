import { Show, type Accessor, type JSX, type Resource } from "solid-js";
import { QueryView } from "../app/QueryView.js";

/** Renders its children anew whenever `key` changes. */
export function Remount(props: { key: string; children: JSX.Element }) {
  return (
    <Show when={`k${props.key}`} keyed>
      {(_key) => props.children}
    </Show>
  );
}

/**
 * QueryView for a query whose variables change (filters, pages): the children get an accessor that
 * follows the resource, and a new `key` (the variables) starts the view afresh (scroll, open panels).
 */
export function LiveQueryView<T>(props: { resource: Resource<T>; key: string; what: string; children: (data: Accessor<T>) => JSX.Element }) {
  return (
    <Remount key={props.key}>
      <QueryView resource={props.resource} what={props.what}>
        {() => props.children(() => props.resource.latest!)}
      </QueryView>
    </Remount>
  );
}
