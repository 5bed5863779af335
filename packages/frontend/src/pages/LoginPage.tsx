import { type FormEvent, useState } from "react";
import { Link, useLocation } from "react-router";
import { AuthError, login } from "../auth/session.ts";
import { StackStatus } from "../components/StackStatus.tsx";
import { Button, Status, TextField } from "../components/ui.tsx";

export default function LoginPage() {
  const location = useLocation();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<AuthError | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(email.trim(), password); // the router leaves this page once the session is set
    } catch (e) {
      setError(e instanceof AuthError ? e : new AuthError(String(e), "ERROR", 0));
      setBusy(false);
    }
  };

  return (
    <div className="mx-auto grid w-full max-w-5xl gap-6 px-4 py-8 md:grid-cols-[3fr_2fr]">
      <section aria-labelledby="login-title" className="rounded-lg border border-slate-800 bg-slate-900 p-6">
        <h2 id="login-title" className="mb-4 text-xl font-semibold">
          Sign in
        </h2>
        <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate aria-describedby={error ? "login-error" : undefined}>
          <TextField
            label="Email"
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            autoFocus
          />
          <TextField
            label="Password"
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <div id="login-error">{error && <Status kind="error">{error.message}</Status>}</div>
          {busy && <Status>Signing in…</Status>}
          <Button tone="primary" type="submit" disabled={busy || !email || !password}>
            Sign in
          </Button>
        </form>
        <p className="mt-4 text-sm text-slate-400">
          New here?{" "}
          <Link to={{ pathname: "/register", search: location.search }} className="text-violet-300 underline">
            Create an account
          </Link>
        </p>
      </section>
      <StackStatus />
    </div>
  );
}
