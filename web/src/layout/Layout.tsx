import { A, useNavigate } from "@solidjs/router";
import { For, Show, type ParentProps } from "solid-js";
import { hasRole, useCurrentUser } from "../app/current-user.js";
import { graphql } from "../generated/graphql/index.js";
import { createQuery } from "../graphql/createQuery.js";
import { searchTarget } from "./search.js";

const ClusterNames = graphql(`
  query ClusterNames {
    clusters {
      name
    }
  }
`);

/** The frame of every page after login: navigation by role, search, and the way out. */
export function Layout(props: ParentProps) {
  const user = useCurrentUser();
  const clusters = createQuery(ClusterNames, () => ({}));
  const navigate = useNavigate();
  const staff = () => hasRole(user(), "admin", "support");
  const manager = () => hasRole(user(), "manager");
  const onSearch = (event: SubmitEvent) => {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem("search") as HTMLInputElement;
    const target = searchTarget(input.value, staff() || manager());
    if (target) navigate(target);
  };

  return (
    <>
      <nav class="navbar navbar-expand-lg bg-body-tertiary mb-3" aria-label="Main navigation">
        <div class="container-fluid">
          <A class="navbar-brand" href="/">
            ClusterCockpit
          </A>
          <ul class="navbar-nav me-auto">
            <Show when={user() && !staff()}>
              <li class="nav-item">
                <A class="nav-link" href={`/monitoring/user/${encodeURIComponent(user()!.username)}`}>
                  <i class="bi bi-bar-chart-line me-1" aria-hidden="true" />
                  My Jobs
                </A>
              </li>
            </Show>
            <li class="nav-item">
              <A class="nav-link" href="/monitoring/jobs/">
                <i class="bi bi-card-list me-1" aria-hidden="true" />
                {staff() || manager() ? "Jobs" : "Job Search"}
              </A>
            </li>
            <Show when={staff() || manager()}>
              <li class="nav-item">
                <A class="nav-link" href="/monitoring/users/">
                  <i class="bi bi-people me-1" aria-hidden="true" />
                  Users
                </A>
              </li>
            </Show>
            <Show when={staff()}>
              <li class="nav-item">
                <A class="nav-link" href="/monitoring/projects/">
                  <i class="bi bi-folder me-1" aria-hidden="true" />
                  Projects
                </A>
              </li>
            </Show>
            <li class="nav-item">
              <A class="nav-link" href="/monitoring/tags/">
                <i class="bi bi-tags me-1" aria-hidden="true" />
                Tags
              </A>
            </li>
            <Show when={staff()}>
              <For each={[["Analysis", "analysis", "graph-up"], ["Systems", "systems", "hdd-rack"], ["Status", "status", "clipboard-data"]] as const}>
                {([label, route, icon]) => (
                  <li class="nav-item dropdown">
                    <details class="nav-link p-0">
                      <summary class="nav-link">
                        <i class={`bi bi-${icon} me-1`} aria-hidden="true" />
                        {label}
                      </summary>
                      <ul class="dropdown-menu show position-absolute">
                        <For each={clusters.latest?.clusters ?? []}>
                          {(cluster) => (
                            <li>
                              <A class="dropdown-item" href={`/monitoring/${route}/${encodeURIComponent(cluster.name)}`}>
                                {cluster.name}
                              </A>
                            </li>
                          )}
                        </For>
                      </ul>
                    </details>
                  </li>
                )}
              </For>
            </Show>
          </ul>
          <form class="d-flex me-2" role="search" onSubmit={onSearch}>
            <input
              class="form-control form-control-sm"
              type="search"
              name="search"
              placeholder="jobId:, jobName:, projectId:, username:, name: …"
              aria-label="Search jobs, users or projects"
            />
          </form>
          <A class="btn btn-outline-secondary btn-sm me-2" href="/config" title="Settings">
            <i class="bi bi-gear" aria-hidden="true" />
            <span class="visually-hidden">Settings</span>
          </A>
          <Show when={user()}>
            <span class="navbar-text me-2 small" data-testid="current-user">
              {user()!.username}
            </span>
          </Show>
          {/* rel=external: a full page load, so the server ends the session (not a client-side route). */}
          <a class="btn btn-outline-secondary btn-sm" href="/logout" rel="external">
            Logout
          </a>
        </div>
      </nav>
      <main class="container-fluid">{props.children}</main>
    </>
  );
}

export function NotFound() {
  return (
    <div class="alert alert-warning" role="alert">
      This page does not exist.
    </div>
  );
}
