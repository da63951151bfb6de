import { createMemo, createSignal, For, Show } from "solid-js";
import { QueryView } from "../app/QueryView.js";
import { client } from "../graphql/client.js";
import { createQuery } from "../graphql/createQuery.js";
import { sortTags, TagBadge } from "../tags/TagBadge.js";
import { JobViewAddTagsDocument, JobViewCreateTagDocument, JobViewRemoveTagsDocument, JobViewTagsDocument, type Tag } from "./queries.js";

/** "type: name" (or "type:name") → both parts, trimmed; anything else → null. */
export function parseTag(text: string): { type: string; name: string } | null {
  const parts = text.split(":").map((s) => s.trim());
  return parts.length === 2 && parts.every((p) => p.length > 0) ? { type: parts[0]!, name: parts[1]! } : null;
}

async function mutate<T>(run: Promise<{ data?: T; error?: { message: string } }>): Promise<T> {
  const result = await run;
  if (result.error) throw new Error(result.error.message.replace(/^\[(GraphQL|Network)\] /, ""));
  if (!result.data) throw new Error("empty response from server");
  return result.data;
}

/** The job's tags, with removal, and a panel to add existing tags or create new ones ("type: name"). */
export function TagManagement(props: { jobId: string; tags: Tag[]; onChange: (tags: Tag[]) => void }) {
  const [open, setOpen] = createSignal(false);
  const [filter, setFilter] = createSignal("");
  const [busy, setBusy] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [created, setCreated] = createSignal<Tag[]>([]);
  // All tags, loaded when the panel is first opened.
  const allTags = createQuery(JobViewTagsDocument, () => (open() ? {} : (undefined as unknown as Record<string, never>)));

  const run = async (what: string, action: () => Promise<Tag[]>) => {
    setBusy(what);
    setError(null);
    try {
      props.onChange(sortTags(await action()));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };
  const add = (tag: Tag) =>
    run(tag.id, async () => (await mutate(client.mutation(JobViewAddTagsDocument, { job: props.jobId, tagIds: [tag.id] }).toPromise())).addTagsToJob);
  const remove = (tag: Tag) =>
    run(tag.id, async () => (await mutate(client.mutation(JobViewRemoveTagsDocument, { job: props.jobId, tagIds: [tag.id] }).toPromise())).removeTagsFromJob);
  const createAndAdd = (type: string, name: string) =>
    run("new", async () => {
      const tag = (await mutate(client.mutation(JobViewCreateTagDocument, { type, name }).toPromise())).createTag;
      setCreated((c) => [...c.filter((t) => t.id !== tag.id), tag]);
      setFilter("");
      return (await mutate(client.mutation(JobViewAddTagsDocument, { job: props.jobId, tagIds: [tag.id] }).toPromise())).addTagsToJob;
    });

  const hasTag = (id: string) => props.tags.some((t) => t.id === id);

  return (
    <div data-testid="job-tags">
      <div class="d-flex flex-wrap align-items-center gap-1">
        <span class="text-body-secondary me-1">
          <i class="bi bi-tags me-1" aria-hidden="true" />
          Tags:
        </span>
        <For each={props.tags} fallback={<span class="text-body-secondary fst-italic me-1">none</span>}>
          {(tag) => (
            <span class="d-inline-flex align-items-center">
              <TagBadge tag={tag} />
              <button
                type="button"
                class="btn btn-link btn-sm p-0 ms-1 text-danger"
                aria-label={`Remove tag ${tag.type}: ${tag.name}`}
                title="Remove from this job"
                disabled={busy() !== null}
                onClick={() => void remove(tag)}
              >
                <i class="bi bi-x-circle" aria-hidden="true" />
              </button>
            </span>
          )}
        </For>
        <button type="button" class="btn btn-outline-secondary btn-sm ms-2" aria-expanded={open()} onClick={() => setOpen(!open())}>
          <i class="bi bi-tag me-1" aria-hidden="true" />
          Manage tags
        </button>
        <Show when={busy()}>
          <span class="spinner-border spinner-border-sm text-secondary" role="status" aria-label="Saving tags" />
        </Show>
      </div>
      <Show when={error()}>
        <div class="alert alert-danger py-1 mt-2 small" role="alert">
          Could not change the tags: {error()}
        </div>
      </Show>
      <Show when={open()}>
        <div class="card mt-2" style={{ "max-width": "36rem" }} data-testid="tag-panel">
          <div class="card-body">
            <input
              type="search"
              class="form-control form-control-sm mb-2"
              placeholder="Search tags, or type:name to create one"
              aria-label="Search or create tag"
              value={filter()}
              onInput={(e) => setFilter(e.currentTarget.value)}
            />
            <QueryView resource={allTags} what="tags">
              {(data) => {
                const tags = createMemo(() => {
                  const byId = new Map([...data.tags, ...created()].map((t) => [t.id, t]));
                  const term = filter().toLowerCase();
                  const parsed = parseTag(term);
                  return sortTags([...byId.values()]).filter((t) =>
                    parsed ? t.type.toLowerCase().includes(parsed.type) && t.name.toLowerCase().includes(parsed.name) : !term.trim() || `${t.type}: ${t.name}`.toLowerCase().includes(term.trim()),
                  );
                });
                const newTag = () => {
                  const parsed = parseTag(filter());
                  if (!parsed) return null;
                  const exists = [...data.tags, ...created()].some((t) => t.type === parsed.type && t.name === parsed.name);
                  return exists ? null : parsed;
                };
                return (
                  <>
                    <ul class="list-group mb-2" style={{ "max-height": "18rem", "overflow-y": "auto" }}>
                      <For each={tags()} fallback={<li class="list-group-item text-body-secondary fst-italic">No tags match.</li>}>
                        {(tag) => (
                          <li class="list-group-item d-flex justify-content-between align-items-center py-1" data-testid="tag-option">
                            <TagBadge tag={tag} link={false} />
                            <Show
                              when={hasTag(tag.id)}
                              fallback={
                                <button type="button" class="btn btn-outline-success btn-sm" disabled={busy() !== null} onClick={() => void add(tag)} aria-label={`Add tag ${tag.type}: ${tag.name}`}>
                                  <i class="bi bi-plus" aria-hidden="true" /> Add
                                </button>
                              }
                            >
                              <button type="button" class="btn btn-outline-danger btn-sm" disabled={busy() !== null} onClick={() => void remove(tag)} aria-label={`Remove tag ${tag.type}: ${tag.name}`}>
                                <i class="bi bi-x" aria-hidden="true" /> Remove
                              </button>
                            </Show>
                          </li>
                        )}
                      </For>
                    </ul>
                    <Show
                      when={newTag()}
                      fallback={
                        <p class="small text-body-secondary mb-0">
                          Type <code>type: name</code> to create a new tag.
                        </p>
                      }
                    >
                      {(tag) => (
                        <button type="button" class="btn btn-outline-success btn-sm" disabled={busy() !== null} onClick={() => void createAndAdd(tag().type, tag().name)}>
                          <i class="bi bi-plus-circle me-1" aria-hidden="true" />
                          Create and add tag <TagBadge tag={{ id: "", ...tag() }} link={false} />
                        </button>
                      )}
                    </Show>
                  </>
                );
              }}
            </QueryView>
          </div>
        </div>
      </Show>
    </div>
  );
}
