import { createResource, createSignal, For, Show, startTransition, type JSX, type Resource } from "solid-js";
import { QueryView } from "../app/QueryView.js";

/**
 * User administration through cc-backend's REST API (/api/users/, /api/user/{id}, /api/roles/,
 * /api/jwt/), authenticated by the session cookie: same-origin requests, so the server's cross-site
 * check (Origin header) lets them through.
 */

export interface AdminUser {
  username: string;
  name: string;
  email: string;
  roles: string[];
  projects: string[];
  via: number;
}

type Form = Record<string, string | undefined>;

/** A REST call with form fields; rejects with the server's error message. */
async function rest(method: "GET" | "POST" | "DELETE", path: string, fields?: Form): Promise<Response> {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields ?? {})) if (value !== undefined && value !== "") body.set(key, value);
  const response = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: { Accept: "application/json", ...(fields ? { "Content-Type": "application/x-www-form-urlencoded" } : {}) },
    body: fields ? body : undefined,
  });
  if (!response.ok) {
    const text = await response.text();
    let message = text.trim() || `${response.status} ${response.statusText}`;
    try {
      const json = JSON.parse(text) as { error?: unknown };
      if (typeof json.error === "string") message = json.error;
    } catch {
      // Not JSON: the text itself.
    }
    throw new Error(message);
  }
  return response;
}

async function restText(method: "GET" | "POST" | "DELETE", path: string, fields?: Form): Promise<string> {
  return (await (await rest(method, path, fields)).text()).trim();
}

async function restJson<T>(path: string): Promise<T> {
  return (await (await rest("GET", path)).json()) as T;
}

type Message = { ok: boolean; text: string } | undefined;

function Feedback(props: { message: Message; testid: string }) {
  return (
    <Show when={props.message}>
      {(m) => (
        <div class={`small mt-2 ${m().ok ? "text-success" : "text-danger"}`} role={m().ok ? "status" : "alert"} data-testid={props.testid}>
          <i class={`bi ${m().ok ? "bi-check-circle" : "bi-exclamation-triangle"} me-1`} aria-hidden="true" />
          {m().text}
        </div>
      )}
    </Show>
  );
}

const capitalize = (role: string) => role.charAt(0).toUpperCase() + role.slice(1);

export function AdminSettings() {
  const [roles] = createResource(() => restJson<string[]>("/api/roles/"));
  const [users, { refetch }] = createResource(() => restJson<AdminUser[]>("/api/users/"));
  // Keep the table on screen while it reloads.
  const reload = () => void startTransition(() => refetch());
  const usernames = () => users.latest?.map((u) => u.username) ?? [];

  return (
    <section class="card mb-4" aria-labelledby="admin-title">
      <div class="card-header">
        <h2 class="h5 mb-0" id="admin-title">
          User administration
        </h2>
      </div>
      <div class="card-body">
        <datalist id="admin-usernames">
          <For each={usernames()}>{(name) => <option value={name} />}</For>
        </datalist>
        <div class="row g-3 mb-3">
          <div class="col-12 col-xl-5">
            <QueryView resource={roles} what="the roles">
              {(list) => <CreateUser roles={list} onCreated={reload} />}
            </QueryView>
          </div>
          <div class="col-12 col-xl-7 d-flex flex-column gap-3">
            <QueryView resource={roles} what="the roles">
              {(list) => <EditRoles roles={list} onChanged={reload} />}
            </QueryView>
            <EditProjects onChanged={reload} />
          </div>
        </div>
        <UserTable users={users} onChanged={reload} />
      </div>
    </section>
  );
}

function CreateUser(props: { roles: string[]; onCreated: () => void }) {
  const [message, setMessage] = createSignal<Message>();
  const [busy, setBusy] = createSignal(false);
  const [role, setRole] = createSignal(props.roles.includes("user") ? "user" : (props.roles[0] ?? ""));
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const field = (name: string) => String(data.get(name) ?? "");
    setBusy(true);
    try {
      const text = await restText("POST", "/api/users/", {
        username: field("username").trim(),
        password: field("password"),
        name: field("name"),
        email: field("email"),
        role: role(),
        project: role() === "manager" ? field("project").trim() : undefined,
      });
      setMessage({ ok: true, text });
      form.reset();
      props.onCreated();
    } catch (error) {
      setMessage({ ok: false, text: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };
  const hints: Record<string, string> = {
    api: "may use the REST API (with a JWT; the password may be blank)",
    user: "sees their own jobs",
    manager: "also sees the jobs of the projects they manage",
    support: "sees all jobs",
    admin: "sees and administers everything",
  };
  return (
    <form class="border rounded p-3 h-100" onSubmit={submit} aria-labelledby="create-user-title" data-testid="create-user">
      <h3 class="h6" id="create-user-title">
        Create user
      </h3>
      <div class="row g-2">
        <div class="col-sm-6">
          <label class="form-label" for="new-username">
            Username
          </label>
          <input class="form-control" id="new-username" name="username" required autocomplete="off" />
        </div>
        <div class="col-sm-6">
          <label class="form-label" for="new-password">
            Password
          </label>
          <input class="form-control" id="new-password" name="password" type="password" autocomplete="new-password" aria-describedby="new-password-help" />
        </div>
        <div class="col-12 form-text mt-0" id="new-password-help">
          Only API users may have a blank password; they authenticate with tokens only.
        </div>
        <div class="col-sm-6">
          <label class="form-label" for="new-name">
            Name
          </label>
          <input class="form-control" id="new-name" name="name" autocomplete="off" />
        </div>
        <div class="col-sm-6">
          <label class="form-label" for="new-email">
            Email
          </label>
          <input class="form-control" id="new-email" name="email" type="email" autocomplete="off" />
        </div>
      </div>
      <fieldset class="mt-2">
        <legend class="form-label fs-6 mb-1">Role</legend>
        <For each={props.roles}>
          {(r) => (
            <div class="form-check">
              <input class="form-check-input" type="radio" name="role" id={`new-role-${r}`} value={r} checked={role() === r} onChange={() => setRole(r)} />
              <label class="form-check-label" for={`new-role-${r}`}>
                {capitalize(r)}
                <Show when={hints[r]}>
                  <span class="text-body-secondary small"> — {hints[r]}</span>
                </Show>
              </label>
            </div>
          )}
        </For>
      </fieldset>
      <Show when={role() === "manager"}>
        <div class="mt-2">
          <label class="form-label" for="new-project">
            Project
          </label>
          <input class="form-control" id="new-project" name="project" required autocomplete="off" aria-describedby="new-project-help" />
          <div class="form-text" id="new-project-help">
            Managers need a project; more can be added later.
          </div>
        </div>
      </Show>
      <button type="submit" class="btn btn-primary mt-3" disabled={busy()}>
        Create user
      </button>
      <Feedback message={message()} testid="create-user-message" />
    </form>
  );
}

/** Username + one value, with Add and Remove buttons posting to /api/user/{username}. */
function EditForm(props: {
  id: string;
  title: string;
  help: string;
  field: string;
  children: (id: string) => JSX.Element;
  addField: string;
  removeField: string;
  onChanged: () => void;
}) {
  const [message, setMessage] = createSignal<Message>();
  const [busy, setBusy] = createSignal(false);
  let form!: HTMLFormElement;
  const send = async (action: "add" | "remove") => {
    if (!form.reportValidity()) return;
    const data = new FormData(form);
    const username = String(data.get("username") ?? "").trim();
    const value = String(data.get(props.field) ?? "").trim();
    setBusy(true);
    try {
      const text = await restText("POST", `/api/user/${encodeURIComponent(username)}`, { [action === "add" ? props.addField : props.removeField]: value });
      setMessage({ ok: true, text: `${username}: ${text}` });
      props.onChanged();
    } catch (error) {
      setMessage({ ok: false, text: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      ref={form}
      class="border rounded p-3"
      aria-labelledby={`${props.id}-title`}
      data-testid={props.id}
      onSubmit={(event) => {
        event.preventDefault();
        void send("add");
      }}
    >
      <h3 class="h6" id={`${props.id}-title`}>
        {props.title}
      </h3>
      <div class="input-group">
        <label class="input-group-text" for={`${props.id}-username`}>
          User
        </label>
        <input class="form-control" id={`${props.id}-username`} name="username" required list="admin-usernames" autocomplete="off" placeholder="username" />
        {props.children(`${props.id}-value`)}
        <button type="submit" class="btn btn-primary" disabled={busy()}>
          Add
        </button>
        <button type="button" class="btn btn-outline-danger" disabled={busy()} onClick={() => void send("remove")}>
          Remove
        </button>
      </div>
      <div class="form-text">{props.help}</div>
      <Feedback message={message()} testid={`${props.id}-message`} />
    </form>
  );
}

function EditRoles(props: { roles: string[]; onChanged: () => void }) {
  return (
    <EditForm id="edit-role" title="Roles" help="Adds a role to a user or takes it away." field="role" addField="add-role" removeField="remove-role" onChanged={props.onChanged}>
      {(id) => (
        <>
          <label class="input-group-text" for={id}>
            Role
          </label>
          <select class="form-select" id={id} name="role" required>
            <option value="">Choose…</option>
            <For each={props.roles}>{(r) => <option value={r}>{capitalize(r)}</option>}</For>
          </select>
        </>
      )}
    </EditForm>
  );
}

function EditProjects(props: { onChanged: () => void }) {
  return (
    <EditForm id="edit-project" title="Managed projects" help="Only managers have projects: they see the jobs of these projects." field="project" addField="add-project" removeField="remove-project" onChanged={props.onChanged}>
      {(id) => (
        <>
          <label class="input-group-text" for={id}>
            Project
          </label>
          <input class="form-control" id={id} name="project" required autocomplete="off" placeholder="project" />
        </>
      )}
    </EditForm>
  );
}

function UserTable(props: { users: Resource<AdminUser[]>; onChanged: () => void }) {
  const [filter, setFilter] = createSignal("");
  const visible = (list: AdminUser[]) => {
    const needle = filter().trim().toLowerCase();
    return needle ? list.filter((u) => [u.username, u.name, u.email, ...u.roles, ...u.projects].some((v) => v.toLowerCase().includes(needle))) : list;
  };
  return (
    <section aria-labelledby="users-title">
      <div class="d-flex flex-wrap align-items-center gap-2 mb-2">
        <h3 class="h6 mb-0 me-auto" id="users-title">
          Users
        </h3>
        <label class="visually-hidden" for="users-filter">
          Filter users
        </label>
        <input id="users-filter" class="form-control form-control-sm w-auto" type="search" placeholder="Filter users…" value={filter()} onInput={(e) => setFilter(e.currentTarget.value)} />
        <button type="button" class="btn btn-sm btn-outline-secondary" onClick={props.onChanged}>
          <i class="bi bi-arrow-clockwise me-1" aria-hidden="true" />
          Reload
        </button>
      </div>
      <QueryView resource={props.users} what="the users">
        {() => (
          <div class="table-responsive" style={{ "max-height": "32rem", "overflow-y": "auto" }}>
            <table class="table table-sm table-hover align-middle" data-testid="users-table">
              <thead class="sticky-top">
                <tr>
                  <th scope="col">Username</th>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Roles</th>
                  <th scope="col">Projects</th>
                  <th scope="col">Source</th>
                  <th scope="col">JWT</th>
                  <th scope="col">
                    <span class="visually-hidden">Delete</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                <For each={visible(props.users()!)} fallback={<tr><td colspan="8" class="text-body-secondary">No users.</td></tr>}>
                  {(user) => <UserRow user={user} onChanged={props.onChanged} />}
                </For>
              </tbody>
            </table>
          </div>
        )}
      </QueryView>
    </section>
  );
}

function UserRow(props: { user: AdminUser; onChanged: () => void }) {
  const [jwt, setJwt] = createSignal<string>();
  const [copied, setCopied] = createSignal(false);
  const [confirming, setConfirming] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const name = () => props.user.username;

  const generate = async () => {
    setError(undefined);
    setBusy(true);
    try {
      setJwt(await restText("POST", `/api/jwt/?username=${encodeURIComponent(name())}`, {}));
      setCopied(false);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const copy = async (textarea: HTMLTextAreaElement) => {
    textarea.select();
    try {
      await navigator.clipboard.writeText(jwt() ?? "");
      setCopied(true);
    } catch {
      // No clipboard access (plain HTTP, permissions): the token is selected for Ctrl+C.
      setError("Copy it from the selected text (no clipboard access).");
    }
  };
  const remove = async () => {
    setError(undefined);
    setBusy(true);
    try {
      await restText("DELETE", "/api/users/", { username: name() });
      props.onChanged();
    } catch (e) {
      setError((e as Error).message);
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  };

  let textarea!: HTMLTextAreaElement;
  return (
    <tr data-testid="user-row" data-username={name()}>
      <td class="fw-semibold">{name()}</td>
      <td>{props.user.name}</td>
      <td>{props.user.email}</td>
      <td>
        <For each={props.user.roles}>{(role) => <span class="badge text-bg-secondary me-1">{role}</span>}</For>
      </td>
      <td>{props.user.projects.join(", ")}</td>
      <td class="small">{props.user.via === 1 ? "LDAP" : "local"}</td>
      <td style={{ "min-width": "14rem" }}>
        <Show
          when={jwt()}
          fallback={
            <button type="button" class="btn btn-sm btn-outline-success" disabled={busy()} onClick={() => void generate()} aria-label={`Generate a JWT for ${name()}`}>
              Generate JWT
            </button>
          }
        >
          <div class="d-flex gap-1 align-items-start">
            <label class="visually-hidden" for={`jwt-${name()}`}>
              JWT of {name()}
            </label>
            <textarea ref={textarea} id={`jwt-${name()}`} class="form-control form-control-sm font-monospace" rows="2" readOnly value={jwt()} data-testid="jwt" />
            <button type="button" class="btn btn-sm btn-outline-secondary" onClick={() => void copy(textarea)} title="Copy to the clipboard">
              <i class={`bi ${copied() ? "bi-clipboard-check" : "bi-clipboard"}`} aria-hidden="true" />
              <span class="visually-hidden">Copy the JWT of {name()}</span>
            </button>
          </div>
        </Show>
      </td>
      <td class="text-nowrap">
        <Show
          when={confirming()}
          fallback={
            <button type="button" class="btn btn-sm btn-outline-danger" onClick={() => setConfirming(true)} aria-label={`Delete ${name()}`}>
              <i class="bi bi-trash" aria-hidden="true" />
            </button>
          }
        >
          <span class="small me-1">Delete {name()}?</span>
          <button type="button" class="btn btn-sm btn-danger me-1" disabled={busy()} onClick={() => void remove()}>
            Delete
          </button>
          <button type="button" class="btn btn-sm btn-secondary" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </Show>
        <Show when={error()}>
          <div class="text-danger small" role="alert">
            {error()}
          </div>
        </Show>
      </td>
    </tr>
  );
}
