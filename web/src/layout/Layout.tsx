import type { ParentProps } from "solid-js";

/** The frame of every page after login: navbar with the way out. */
export function Layout(props: ParentProps) {
  return (
    <>
      <nav class="navbar navbar-expand bg-body-tertiary mb-3">
        <div class="container-fluid">
          <a class="navbar-brand" href="/">
            ClusterCockpit
          </a>
          <ul class="navbar-nav me-auto">
            <li class="nav-item">
              <a class="nav-link" href="/monitoring/jobs/">
                Jobs
              </a>
            </li>
          </ul>
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
      This page does not exist (yet).
    </div>
  );
}
