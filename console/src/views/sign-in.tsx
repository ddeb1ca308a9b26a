import { useState } from "preact/hooks";
import { readClaims } from "../session";

export function SignIn({ reason, onToken }: { reason?: string; onToken: (token: string) => Promise<string | null> }) {
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const value = token.trim();
    if (!readClaims(value)) {
      setError("That is not a token this API issues: a JWT with tenant and scope claims.");
      return;
    }
    setBusy(true);
    setError(await onToken(value));
    setBusy(false);
  };
  return (
    <main id="main" class="sign-in">
      <h1>Billing console</h1>
      {reason ? (
        <p class="notice" role="alert">
          {reason}
        </p>
      ) : null}
      <form onSubmit={submit} class="panel">
        <label for="token">API token</label>
        <textarea
          id="token"
          name="token"
          rows={5}
          required
          spellcheck={false}
          autocomplete="off"
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          aria-describedby="token-help"
        />
        <p id="token-help" class="muted">
          Paste a bearer token (a JWT). It is kept in this tab's session storage only and sent to this server's API, nowhere else. Locally,{" "}
          <code>npm run dev</code> prints sign-in links.
        </p>
        {error ? (
          <p class="notice notice-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="button button-primary" disabled={busy}>
          {busy ? "Checking…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
