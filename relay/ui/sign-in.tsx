// Sign-in: the admin token, exchanged once for a session cookie (HttpOnly: the page never holds
// the token after this, and it never goes into a URL). The relay slows down repeated failures.
import { useState } from "preact/hooks";
import { ApiProblem, call, messageOf } from "./api";

export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [token, setToken] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      await call("POST", "/session", { token: token.trim() }, { quiet401: true });
      setToken("");
      onSignedIn();
    } catch (err) {
      if (err instanceof ApiProblem && err.status === 401) setError("Wrong token: the relay did not accept it. Check it and try again.");
      else if (err instanceof ApiProblem && err.status === 429) setError("Too many wrong tokens: wait " + (err.retryAfter ?? "a few") + " seconds, then try again.");
      else setError(messageOf(err));
      (document.getElementById("token") as HTMLInputElement | null)?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <h1 tabIndex={-1}>Sign in to bttn</h1>
      <form onSubmit={submit} noValidate>
        <label for="token">Admin token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="current-password"
          required
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={error ? "token-help token-error" : "token-help"}
        />
        <p id="token-help" class="help">
          The relay printed it in its log at its first start (the line marked <code>ADMIN TOKEN</code>); <code>npx bttn-relay admin token</code> makes another.
        </p>
        {error && (
          <p id="token-error" class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || !token.trim()}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
