import { For, Show } from "solid-js";

export const PAGE_SIZES = [10, 25, 50, 100];

/** Items per page, the range shown, and first/previous/next/last; or the switch to continuous scrolling. */
export function Pagination(props: {
  page: number;
  itemsPerPage: number;
  total: number;
  continuous: boolean;
  onPage: (page: number) => void;
  onItemsPerPage: (n: number) => void;
  onContinuous: (on: boolean) => void;
}) {
  const pages = () => Math.max(1, Math.ceil(props.total / props.itemsPerPage));
  const first = () => (props.total === 0 ? 0 : (props.page - 1) * props.itemsPerPage + 1);
  const last = () => Math.min(props.page * props.itemsPerPage, props.total);
  const sizes = () => (PAGE_SIZES.includes(props.itemsPerPage) ? PAGE_SIZES : [...PAGE_SIZES, props.itemsPerPage].sort((a, b) => a - b));
  return (
    <nav class="d-flex flex-wrap align-items-center gap-3 border-top py-2" aria-label="Job list pages" data-testid="pagination">
      <div class="d-flex align-items-center gap-2">
        <label class="small text-nowrap" for="jobs-per-page">
          Jobs per page
        </label>
        <select id="jobs-per-page" class="form-select form-select-sm w-auto" value={props.itemsPerPage} onChange={(e) => props.onItemsPerPage(Number(e.currentTarget.value))}>
          <For each={sizes()}>{(size) => <option value={size}>{size}</option>}</For>
        </select>
      </div>
      <div class="form-check form-switch mb-0">
        <input class="form-check-input" type="checkbox" role="switch" id="jobs-continuous" checked={props.continuous} onChange={(e) => props.onContinuous(e.currentTarget.checked)} />
        <label class="form-check-label small" for="jobs-continuous">
          Continuous scroll
        </label>
      </div>
      <Show when={!props.continuous}>
        <span class="small text-body-secondary" data-testid="page-range">
          {first()}–{last()} of {props.total} jobs
        </span>
        <div class="btn-group btn-group-sm ms-auto">
          <button type="button" class="btn btn-outline-secondary" aria-label="First page" disabled={props.page <= 1} onClick={() => props.onPage(1)}>
            <i class="bi bi-chevron-double-left" aria-hidden="true" />
          </button>
          <button type="button" class="btn btn-outline-secondary" disabled={props.page <= 1} onClick={() => props.onPage(props.page - 1)}>
            <i class="bi bi-chevron-left" aria-hidden="true" /> Previous
          </button>
          <span class="btn btn-outline-secondary disabled" aria-current="page">
            Page {props.page} of {pages()}
          </span>
          <button type="button" class="btn btn-outline-secondary" disabled={props.page >= pages()} onClick={() => props.onPage(props.page + 1)}>
            Next <i class="bi bi-chevron-right" aria-hidden="true" />
          </button>
          <button type="button" class="btn btn-outline-secondary" aria-label="Last page" disabled={props.page >= pages()} onClick={() => props.onPage(pages())}>
            <i class="bi bi-chevron-double-right" aria-hidden="true" />
          </button>
        </div>
      </Show>
    </nav>
  );
}
