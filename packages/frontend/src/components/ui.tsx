/** Small shared building blocks: labelled fields, buttons, status lines (all keyboard- and screen-reader-friendly). */
import { type ComponentProps, type ReactNode, useId } from "react";

export const inputClass =
  "w-full rounded border border-slate-700 bg-slate-950 px-2 py-1.5 text-sm text-slate-100 placeholder:text-slate-500 " +
  "focus:border-violet-400 focus:outline-none focus:ring-2 focus:ring-violet-500/40 disabled:opacity-60";

const buttonTones = {
  primary: "bg-violet-600 text-white hover:bg-violet-500",
  secondary: "border border-slate-600 bg-slate-800 text-slate-100 hover:bg-slate-700",
  danger: "bg-rose-700 text-white hover:bg-rose-600",
  ghost: "text-slate-300 hover:bg-slate-800",
} as const;

export function Button({
  tone = "secondary",
  className = "",
  type = "button",
  ...props
}: ComponentProps<"button"> & { tone?: keyof typeof buttonTones }) {
  return (
    <button
      type={type}
      className={
        "inline-flex items-center justify-center gap-1 rounded px-3 py-1.5 text-sm font-medium " +
        "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-violet-400 " +
        "disabled:cursor-not-allowed disabled:opacity-50 " +
        `${buttonTones[tone]} ${className}`
      }
      {...props}
    />
  );
}

interface FieldProps {
  readonly label: string;
  readonly error?: string | null;
  readonly hint?: string;
  readonly className?: string;
  readonly children: (props: { id: string; "aria-invalid"?: boolean; "aria-describedby"?: string }) => ReactNode;
}

/** A label, the control (render prop, so any input/select works) and its error, wired with ids. */
export function Field({ label, error, hint, className = "", children }: FieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`flex flex-col gap-1 ${className}`}>
      <label htmlFor={id} className="text-xs font-medium text-slate-300">
        {label}
      </label>
      {children({ id, "aria-invalid": error ? true : undefined, "aria-describedby": describedBy })}
      {hint && (
        <p id={hintId} className="text-xs text-slate-500">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="text-xs text-rose-300">
          {error}
        </p>
      )}
    </div>
  );
}

export function TextField({
  label,
  error,
  hint,
  className,
  ...input
}: Omit<ComponentProps<"input">, "id" | "className"> & { label: string; error?: string | null; hint?: string; className?: string }) {
  return (
    <Field label={label} error={error} hint={hint} className={className}>
      {(aria) => <input className={inputClass} {...input} {...aria} />}
    </Field>
  );
}

/** Announced politely to screen readers; used for "Saved", "Loading…", and errors of async work. */
export function Status({
  kind = "info",
  children,
  testId,
}: {
  kind?: "info" | "error" | "success";
  children?: ReactNode;
  testId?: string;
}) {
  const tone = kind === "error" ? "text-rose-300" : kind === "success" ? "text-emerald-300" : "text-slate-400";
  return (
    <p role={kind === "error" ? "alert" : "status"} aria-live={kind === "error" ? "assertive" : "polite"} className={`text-sm ${tone}`} data-testid={testId}>
      {children}
    </p>
  );
}

export function Panel({ title, children, className = "", actions }: { title: string; children: ReactNode; className?: string; actions?: ReactNode }) {
  const id = useId();
  return (
    <section aria-labelledby={id} className={`rounded-lg border border-slate-800 bg-slate-900 p-4 ${className}`}>
      <div className="mb-3 flex items-center justify-between gap-2">
        <h2 id={id} className="text-base font-semibold">
          {title}
        </h2>
        {actions}
      </div>
      {children}
    </section>
  );
}
