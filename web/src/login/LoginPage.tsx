import { useSearchParams } from "@solidjs/router";
import { Show } from "solid-js";

/**
 * The login form posts to the server (POST /login), which sets the session cookie and redirects to /
 * or back here with ?error=... The message is shown as text, never as markup.
 */
export function LoginPage() {
  const [params] = useSearchParams<{ error?: string }>();
  return (
    <main class="container" style={{ "max-width": "420px" }}>
      <h1 class="h3 my-4">ClusterCockpit login</h1>
      <Show when={params.error}>
        {(error) => (
          <div class="alert alert-danger" role="alert" data-testid="login-error">
            {error()}
          </div>
        )}
      </Show>
      <form method="post" action="/login">
        <div class="mb-3">
          <label class="form-label" for="username">
            Username
          </label>
          <input class="form-control" id="username" name="username" autocomplete="username" required autofocus />
        </div>
        <div class="mb-3">
          <label class="form-label" for="password">
            Password
          </label>
          <input class="form-control" id="password" name="password" type="password" autocomplete="current-password" required />
        </div>
        <button class="btn btn-primary" type="submit">
          Log in
        </button>
      </form>
    </main>
  );
}
