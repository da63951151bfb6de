import { createMemo, createSignal, For, Show } from "solid-js";
import { hasRole, useCurrentUser } from "../app/current-user.js";
import { QueryView } from "../app/QueryView.js";
import { graphql } from "../generated/graphql/index.js";
import { client } from "../graphql/client.js";
import { createQuery } from "../graphql/createQuery.js";
import { sortTags, TagBadge, type TagLike } from "./TagBadge.js";

const TagListQuery = graphql(`
  query TagList {
    tags {
      id
      type
      name
    }
  }
`);

const TagListDeleteTag = graphql(`
  mutation TagListDeleteTag($id: ID!) {
    deleteTag(id: $id)
  }
`);

/**
 * /monitoring/tags — every tag, grouped by type, each linking to its jobs. Job counts per tag are not
 * shown: the schema has no count grouped by tag, and one jobsCount per tag would be a query per tag.
 */
export default function TagList() {
  const user = useCurrentUser();
  const tags = createQuery(TagListQuery, () => ({}));
  const [deleted, setDeleted] = createSignal<ReadonlySet<string>>(new Set());
  const [confirming, setConfirming] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const admin = () => hasRole(user(), "admin");

  const remove = async (tag: TagLike) => {
    setBusy(true);
    setError(null);
    try {
      const result = await client.mutation(TagListDeleteTag, { id: tag.id }).toPromise();
      if (result.error) throw new Error(result.error.message.replace(/^\[(GraphQL|Network)\] /, ""));
      setDeleted(new Set([...deleted(), tag.id]));
      setConfirming(null);
    } catch (e) {
      setError(`Could not delete ${tag.type}: ${tag.name}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section data-testid="tag-list">
      <h1 class="h3 mb-3">Tags</h1>
      <Show when={error()}>
        <div class="alert alert-danger" role="alert">
          {error()}
        </div>
      </Show>
      <QueryView resource={tags} what="tags">
        {(data) => {
          const groups = createMemo(() => {
            const byType = new Map<string, TagLike[]>();
            for (const tag of sortTags(data.tags.filter((t) => !deleted().has(t.id)))) {
              byType.set(tag.type, [...(byType.get(tag.type) ?? []), tag]);
            }
            return [...byType.entries()];
          });
          return (
            <Show when={groups().length > 0} fallback={<p class="text-body-secondary">There are no tags yet.</p>}>
              <p class="text-body-secondary">
                {groups().reduce((n, [, list]) => n + list.length, 0)} tags of {groups().length} types. Each tag links to the list of its jobs.
              </p>
              <For each={groups()}>
                {([type, list]) => (
                  <div class="card mb-3" data-testid="tag-group" data-type={type}>
                    <div class="card-header">
                      <h2 class="h6 mb-0">
                        {type} <span class="badge text-bg-secondary rounded-pill">{list.length}</span>
                      </h2>
                    </div>
                    <div class="card-body d-flex flex-wrap gap-2">
                      <For each={list}>
                        {(tag) => (
                          <span class="d-inline-flex align-items-center gap-2 border rounded px-2 py-1" data-testid="tag-item" data-tag-id={tag.id}>
                            <TagBadge tag={tag} />
                            <Show when={admin()}>
                              <Show
                                when={confirming() === tag.id}
                                fallback={
                                  <button type="button" class="btn btn-link btn-sm p-0 text-danger" disabled={busy()} onClick={() => setConfirming(tag.id)} aria-label={`Delete tag ${tag.type}: ${tag.name}`} title="Delete this tag">
                                    <i class="bi bi-trash" aria-hidden="true" />
                                  </button>
                                }
                              >
                                <span class="small text-danger">Delete from all its jobs?</span>
                                <button type="button" class="btn btn-danger btn-sm py-0" disabled={busy()} onClick={() => void remove(tag)}>
                                  Delete
                                </button>
                                <button type="button" class="btn btn-outline-secondary btn-sm py-0" disabled={busy()} onClick={() => setConfirming(null)}>
                                  Cancel
                                </button>
                              </Show>
                            </Show>
                          </span>
                        )}
                      </For>
                    </div>
                  </div>
                )}
              </For>
            </Show>
          );
        }}
      </QueryView>
    </section>
  );
}
