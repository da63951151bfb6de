export interface TagLike {
  id: string;
  type: string;
  name: string;
}

/** The job list filtered by one tag. */
export function tagJobsHref(id: string): string {
  return `/monitoring/jobs/?tag=${encodeURIComponent(id)}`;
}

/** A tag as cc-backend shows it, "type: name", linking to the jobs that carry it (unless `link` is false). */
export function TagBadge(props: { tag: TagLike; link?: boolean }) {
  const badge = () => (
    <span class="badge text-bg-warning fw-normal" data-testid="tag">
      {props.tag.type}: {props.tag.name}
    </span>
  );
  return props.link === false ? badge() : (
    <a href={tagJobsHref(props.tag.id)} class="text-decoration-none" title={`Jobs tagged ${props.tag.type}: ${props.tag.name}`}>
      {badge()}
    </a>
  );
}

/** Tags sorted by type, then name. */
export function sortTags<T extends TagLike>(tags: readonly T[]): T[] {
  return [...tags].sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
}
