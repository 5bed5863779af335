import { type FormEvent, useState } from "react";
import { Link, useLocation } from "react-router";
import { AuthError, register } from "../auth/session.ts";
import { Button, Status, TextField } from "../components/ui.tsx";

export default function RegisterPage() {
  const location = useLocation();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<AuthError | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await register(name.trim(), email.trim(), password);
    } catch (e) {
      setError(e instanceof AuthError ? e : new AuthError(String(e), "ERROR", 0));
      setBusy(false);
    }
  };
  const fieldError = (field: string) =>
    error?.fields[field] ? `${field[0]!.toUpperCase()}${field.slice(1)} ${error.fields[field]}.` : error?.field === field ? error.message : null;

  return (
    <div className="mx-auto w-full max-w-lg px-4 py-8">
      <section aria-labelledby="register-title" className="rounded-lg border border-slate-800 bg-slate-900 p-6">
        <h2 id="register-title" className="mb-4 text-xl font-semibold">
          Create an account
        </h2>
        <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
          <TextField label="Name" name="name" autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} error={fieldError("name")} autoFocus />
          <TextField label="Email" type="email" name="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={fieldError("email")} />
          <TextField
            label="Password"
            type="password"
            name="password"
            autoComplete="new-password"
            required
            minLength={8}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            hint="At least 8 characters."
            error={fieldError("password")}
          />
          {error && <Status kind="error">{error.message}</Status>}
          {busy && <Status>Creating your account…</Status>}
          <Button tone="primary" type="submit" disabled={busy || !name || !email || !password}>
            Create account
          </Button>
        </form>
        <p className="mt-4 text-sm text-slate-400">
          Already have an account?{" "}
          <Link to={{ pathname: "/login", search: location.search }} className="text-violet-300 underline">
            Sign in
          </Link>
        </p>
      </section>
    </div>
  );
}
