/** The create/edit form of any entity type, driven by `lib/entities.ts`. */
import { useQuery } from "@apollo/client/react";
import { type FormEvent, useId, useMemo, useState } from "react";
import type { ErrorInfo } from "../apollo/errors.ts";
import { Button, Field, inputClass, Status } from "../components/ui.tsx";
import type { Calendar } from "../lib/calendar.ts";
import { type EntityMeta, type EntityRow, entityMeta, type FieldMeta } from "../lib/entities.ts";
import { scope, useWorkspace } from "./context.ts";

export type FormValues = Record<string, string | boolean>;

/** Form state (strings and booleans) from a row of the list (camelCase GraphQL fields). */
export function valuesFromRow(meta: EntityMeta, row: Record<string, unknown> | null | undefined, calendar: Calendar | null): FormValues {
  const values: FormValues = {};
  for (const field of meta.fields) {
    const raw = row?.[field.key];
    if (field.kind === "bool") values[field.key] = raw === true;
    else if (field.kind === "point") {
      const coords = (raw as { type?: string; coordinates?: unknown } | null)?.coordinates;
      values[field.key] =
        (raw as { type?: string } | null)?.type === "Point" && Array.isArray(coords) ? `${coords[0]}, ${coords[1]}` : "";
    } else if (field.kind === "worldTime" && typeof raw === "number" && calendar) values[field.key] = calendar.formatIso(raw);
    else if (raw === null || raw === undefined) values[field.key] = field.kind === "select" && field.required ? field.options![0]! : "";
    else values[field.key] = String(raw);
  }
  return values;
}

interface Parsed {
  readonly input: Record<string, unknown>;
  readonly errors: Record<string, string>;
}

/** Validate and convert form state into a GraphQL input (only `keys` when given). */
export function toInput(meta: EntityMeta, values: FormValues, calendar: Calendar | null, isGm: boolean): Parsed {
  const input: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of meta.fields) {
    if (field.gmOnly && !isGm) continue;
    const raw = values[field.key];
    if (field.kind === "bool") {
      input[field.key] = raw === true;
      continue;
    }
    const text = typeof raw === "string" ? raw.trim() : "";
    if (!text) {
      if (field.required) errors[field.key] = `${field.label} is required.`;
      else input[field.key] = field.kind === "text" || field.kind === "textarea" ? "" : null;
      continue;
    }
    switch (field.kind) {
      case "int": {
        const n = Number(text);
        if (!Number.isInteger(n)) errors[field.key] = `${field.label} must be a whole number.`;
        else if (field.min !== undefined && n < field.min) errors[field.key] = `${field.label} must be at least ${field.min}.`;
        else if (field.max !== undefined && n > field.max) errors[field.key] = `${field.label} must be at most ${field.max}.`;
        else input[field.key] = n;
        break;
      }
      case "worldTime":
        if (calendar) {
          try {
            calendar.parseIso(text);
          } catch (e) {
            errors[field.key] = `${field.label}: ${(e as Error).message}.`;
            break;
          }
        }
        input[field.key] = text;
        break;
      case "point": {
        const parts = text.split(/[\s,]+/).filter(Boolean).map(Number);
        const [lon, lat] = parts;
        if (parts.length !== 2 || lon === undefined || lat === undefined || !Number.isFinite(lon) || !Number.isFinite(lat)) {
          errors[field.key] = "Enter the position as: longitude, latitude.";
        } else if (Math.abs(lon) > 180 || Math.abs(lat) > 85) {
          errors[field.key] = "Longitude must be within ±180 and latitude within ±85.";
        } else input[field.key] = { type: "Point", coordinates: [lon, lat] };
        break;
      }
      default:
        input[field.key] = text;
    }
  }
  return { input, errors };
}

/** Only what changed between two inputs (for updates). */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(after)) {
    if (JSON.stringify(before[key] ?? null) !== JSON.stringify(value ?? null)) out[key] = value;
  }
  return out;
}

function RefSelect({ field, value, onChange, aria }: { field: FieldMeta; value: string; onChange(v: string): void; aria: object }) {
  const ws = useWorkspace();
  const target = entityMeta(field.ref!);
  const { data } = useQuery(target!.list, { variables: scope(ws), fetchPolicy: "cache-first" });
  const rows = ((data as Record<string, unknown> | undefined)?.[target!.key] ?? []) as EntityRow[];
  return (
    <select className={inputClass} value={value} onChange={(e) => onChange(e.target.value)} {...aria}>
      <option value="">— none —</option>
      {rows
        .filter((r) => !r.deleted)
        .map((r) => (
          <option key={r.id} value={r.id}>
            {r.name || r.id}
          </option>
        ))}
    </select>
  );
}

interface EntityFormProps {
  readonly meta: EntityMeta;
  readonly initial: FormValues;
  readonly submitLabel: string;
  readonly busy: boolean;
  readonly error: ErrorInfo | null;
  /** Receives the validated input; throw to keep the form as it is. */
  onSubmit(input: Record<string, unknown>): Promise<boolean>;
  onCancel?(): void;
  readonly testId?: string;
}

export function EntityForm({ meta, initial, submitLabel, busy, error, onSubmit, onCancel, testId }: EntityFormProps) {
  const ws = useWorkspace();
  const [values, setValues] = useState<FormValues>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const datalistId = useId();
  const fields = useMemo(() => meta.fields.filter((f) => !f.gmOnly || ws.isGm), [meta, ws.isGm]);

  const set = (key: string, value: string | boolean) => setValues((v) => ({ ...v, [key]: value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = toInput(meta, values, ws.calendar, ws.isGm);
    setErrors(parsed.errors);
    if (Object.keys(parsed.errors).length) return;
    const ok = await onSubmit(parsed.input);
    if (ok) setValues(initial);
  };

  const serverFieldError = (key: string) => (error?.field && (error.field === key || error.field === key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)) ? error.message : null);

  return (
    <form onSubmit={submit} className="grid gap-3 sm:grid-cols-2" noValidate data-testid={testId} aria-label={submitLabel}>
      {fields.map((field) => {
        const fieldError = errors[field.key] ?? serverFieldError(field.key);
        const value = values[field.key];
        if (field.kind === "bool") {
          return (
            <label key={field.key} className="flex items-center gap-2 text-sm text-slate-200 sm:col-span-1">
              <input type="checkbox" className="size-4 accent-violet-500" checked={value === true} onChange={(e) => set(field.key, e.target.checked)} />
              {field.label}
            </label>
          );
        }
        const wide = field.kind === "textarea" ? "sm:col-span-2" : "";
        const hint =
          field.kind === "worldTime"
            ? `YYYY-MM-DD HH:MM in the ${ws.calendar?.spec.name ?? "world"} calendar`
            : field.kind === "point"
              ? "Or place it on the map."
              : undefined;
        return (
          <Field key={field.key} label={field.required ? `${field.label} (required)` : field.label} error={fieldError} hint={hint} className={wide}>
            {(aria) => {
              const common = { ...aria, name: field.key };
              switch (field.kind) {
                case "textarea":
                  return <textarea className={inputClass} rows={2} value={String(value ?? "")} onChange={(e) => set(field.key, e.target.value)} {...common} />;
                case "select":
                  return (
                    <select className={inputClass} value={String(value ?? "")} onChange={(e) => set(field.key, e.target.value)} {...common}>
                      {!field.required && <option value="">— none —</option>}
                      {field.options!.map((o) => (
                        <option key={o} value={o}>
                          {o.charAt(0) + o.slice(1).toLowerCase()}
                        </option>
                      ))}
                    </select>
                  );
                case "ref":
                  return <RefSelect field={field} value={String(value ?? "")} onChange={(v) => set(field.key, v)} aria={common} />;
                case "int":
                  return (
                    <input type="number" inputMode="numeric" className={inputClass} min={field.min} max={field.max} step={1} value={String(value ?? "")} onChange={(e) => set(field.key, e.target.value)} {...common} />
                  );
                default:
                  return (
                    <>
                      <input
                        type="text"
                        className={inputClass}
                        value={String(value ?? "")}
                        onChange={(e) => set(field.key, e.target.value)}
                        placeholder={field.kind === "worldTime" ? "YYYY-MM-DD HH:MM" : field.kind === "point" ? "12.5, 41.9" : undefined}
                        list={field.suggestions ? datalistId : undefined}
                        required={field.required}
                        {...common}
                      />
                      {field.suggestions && (
                        <datalist id={datalistId}>
                          {field.suggestions.map((s) => (
                            <option key={s} value={s} />
                          ))}
                        </datalist>
                      )}
                    </>
                  );
              }
            }}
          </Field>
        );
      })}
      <div className="flex flex-wrap items-center gap-2 sm:col-span-2">
        <Button tone="primary" type="submit" disabled={busy}>
          {submitLabel}
        </Button>
        {onCancel && (
          <Button tone="ghost" onClick={onCancel}>
            Cancel
          </Button>
        )}
        {busy && <Status>Saving…</Status>}
      </div>
      {error && !fields.some((f) => serverFieldError(f.key)) && (
        <div className="sm:col-span-2">
          <Status kind="error" testId="form-error">
            {error.message}
          </Status>
        </div>
      )}
    </form>
  );
}
