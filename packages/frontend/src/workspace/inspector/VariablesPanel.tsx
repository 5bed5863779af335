/**
 * Typed variables of a party, character, kingdom, settlement or structure: its `variableSchemas` declare
 * names and types (string, number, boolean, enum), `variables` hold the values. Each is edited with an
 * input for its type; the API checks every value, and its errors are shown at the variable.
 */
import { useMutation, useQuery } from "@apollo/client/react";
import { type FormEvent, useState } from "react";
import { describeError, type ErrorInfo } from "../../apollo/errors.ts";
import { Button, Field, inputClass, Status } from "../../components/ui.tsx";
import { EntityRecordDocument, type EntityType } from "../../gql/graphql.ts";
import { entityMeta } from "../../lib/entities.ts";
import { useWorkspace } from "../context.ts";

export const VARIABLE_TYPES: readonly EntityType[] = ["PARTY", "CHARACTER", "KINGDOM", "SETTLEMENT", "STRUCTURE"];

export type VarType = "string" | "number" | "boolean" | "enum";

/** One declared variable, as the API stores it. */
export interface VariableSchema {
  readonly name: string;
  readonly type: VarType;
  readonly enum_values?: readonly string[];
  readonly default?: unknown;
  readonly description?: string;
}

type Draft = Record<string, string | boolean>;

function schemasOf(record: Record<string, unknown> | null): VariableSchema[] {
  const raw = record?.variable_schemas;
  return Array.isArray(raw) ? (raw as VariableSchema[]) : [];
}

function draftValue(schema: VariableSchema, value: unknown): string | boolean {
  if (schema.type === "boolean") return value === true;
  return value === null || value === undefined ? "" : String(value);
}

/** Form text → the typed value (or an error message). Empty means "no value" (null). */
export function parseVariable(schema: VariableSchema, raw: string | boolean): { value: unknown } | { error: string } {
  if (schema.type === "boolean") return { value: raw === true };
  const text = String(raw).trim();
  if (text === "") return { value: null };
  if (schema.type === "number") {
    const n = Number(text);
    return Number.isFinite(n) ? { value: n } : { error: `${schema.name} must be a number.` };
  }
  return { value: schema.type === "enum" ? text : String(raw) };
}

export function VariablesPanel({ type, id }: { type: EntityType; id: string }) {
  const ws = useWorkspace();
  const meta = entityMeta(type)!;
  const canWrite = ws.isGm && ws.asOf === null;
  const { data, loading, error: loadError } = useQuery(EntityRecordDocument, { variables: { type, id, branchId: ws.branch.id, asOf: ws.asOf }, fetchPolicy: "cache-and-network" });
  const record = (data?.entity ?? null) as Record<string, unknown> | null;
  const schemas = schemasOf(record);
  const values = (record?.variables ?? {}) as Record<string, unknown>;
  const version = typeof record?.version === "number" ? record.version : 0;
  const [draft, setDraft] = useState<{ version: number; values: Draft } | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [apiError, setApiError] = useState<ErrorInfo | null>(null);
  const [declaring, setDeclaring] = useState(false);
  const [update, { loading: saving }] = useMutation(meta.update, { refetchQueries: "active" });

  const current = (s: VariableSchema) => (draft ? (draft.values[s.name] ?? draftValue(s, values[s.name])) : draftValue(s, values[s.name]));
  const change = (name: string, value: string | boolean) => setDraft((d) => ({ version: d?.version ?? version, values: { ...(d?.values ?? {}), [name]: value } }));

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!draft) return;
    const next: Record<string, unknown> = { ...values };
    const found: Record<string, string> = {};
    for (const s of schemas) {
      if (!(s.name in draft.values)) continue;
      const parsed = parseVariable(s, draft.values[s.name]!);
      if ("error" in parsed) found[s.name] = parsed.error;
      else next[s.name] = parsed.value;
    }
    setErrors(found);
    setApiError(null);
    if (Object.keys(found).length) return;
    try {
      await update({ variables: { id, branchId: ws.branch.id, input: { variables: next, expectedVersion: draft.version } } });
      setDraft(null);
      ws.announce("Variables saved.");
    } catch (err) {
      setApiError(describeError(err));
    }
  };

  const fieldError = (name: string) => errors[name] ?? (apiError?.field === `variables.${name}` ? apiError.message : null);

  if (loading && !data) return <Status>Loading variables…</Status>;
  if (loadError) return <Status kind="error">{describeError(loadError).message}</Status>;
  return (
    <div className="flex flex-col gap-3 text-sm" data-testid="variables-panel">
      {schemas.length === 0 && <p className="text-slate-500">No typed variables declared.</p>}
      {schemas.length > 0 && (
        <form onSubmit={save} noValidate aria-label="Typed variables" className="flex flex-col gap-2">
          {schemas.map((s) => {
            const value = current(s);
            const err = fieldError(s.name);
            if (s.type === "boolean") {
              return (
                <div key={s.name} className="flex flex-col gap-1">
                  <label className="flex items-center gap-2">
                    <input type="checkbox" className="size-4 accent-violet-500" checked={value === true} disabled={!canWrite} onChange={(e) => change(s.name, e.target.checked)} name={s.name} />
                    {s.name} <span className="text-xs text-slate-500">boolean</span>
                  </label>
                  {err && <p className="text-xs text-rose-300">{err}</p>}
                </div>
              );
            }
            return (
              <Field key={s.name} label={`${s.name} (${s.type})`} error={err} hint={s.description || undefined}>
                {(aria) =>
                  s.type === "enum" ? (
                    <select className={inputClass} value={String(value)} disabled={!canWrite} onChange={(e) => change(s.name, e.target.value)} name={s.name} {...aria}>
                      <option value="">— none —</option>
                      {(s.enum_values ?? []).map((v) => (
                        <option key={v} value={v}>
                          {v}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <input
                      type="text"
                      inputMode={s.type === "number" ? "decimal" : undefined}
                      className={inputClass}
                      value={String(value)}
                      readOnly={!canWrite}
                      onChange={(e) => change(s.name, e.target.value)}
                      name={s.name}
                      {...aria}
                    />
                  )
                }
              </Field>
            );
          })}
          {canWrite && (
            <div className="flex flex-wrap items-center gap-2">
              <Button tone="primary" type="submit" disabled={!draft || saving}>
                Save variables
              </Button>
              {draft && (
                <Button
                  tone="ghost"
                  onClick={() => {
                    setDraft(null);
                    setErrors({});
                    setApiError(null);
                  }}
                >
                  Discard changes
                </Button>
              )}
            </div>
          )}
          {apiError && !schemas.some((s) => apiError.field === `variables.${s.name}`) && <Status kind="error">{apiError.message}</Status>}
        </form>
      )}
      {canWrite &&
        (declaring ? (
          <DeclareVariable type={type} id={id} schemas={schemas} version={version} onDone={() => setDeclaring(false)} />
        ) : (
          <Button className="self-start" onClick={() => setDeclaring(true)}>
            Declare a variable
          </Button>
        ))}
    </div>
  );
}

function DeclareVariable({ type, id, schemas, version, onDone }: { type: EntityType; id: string; schemas: readonly VariableSchema[]; version: number; onDone(): void }) {
  const ws = useWorkspace();
  const [name, setName] = useState("");
  const [varType, setVarType] = useState<VarType>("number");
  const [choices, setChoices] = useState("");
  const [description, setDescription] = useState("");
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [update, { loading }] = useMutation(entityMeta(type)!.update, { refetchQueries: "active" });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const schema: VariableSchema = {
      name: name.trim(),
      type: varType,
      description,
      ...(varType === "enum" ? { enum_values: choices.split(",").map((c) => c.trim()).filter(Boolean) } : {}),
    };
    try {
      await update({ variables: { id, branchId: ws.branch.id, input: { variableSchemas: [...schemas, schema], expectedVersion: version } } });
      ws.announce(`Variable ${schema.name} declared.`);
      onDone();
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Declare a variable" className="grid grid-cols-2 gap-2 rounded border border-slate-800 p-2" data-testid="declare-variable">
      <Field label="Variable name" error={error?.field === "variableSchemas" ? error.message : null} hint="Letters, digits and _">
        {(aria) => <input className={inputClass} value={name} onChange={(e) => setName(e.target.value)} {...aria} />}
      </Field>
      <Field label="Type">
        {(aria) => (
          <select className={inputClass} value={varType} onChange={(e) => setVarType(e.target.value as VarType)} {...aria}>
            <option value="number">number</option>
            <option value="string">string</option>
            <option value="boolean">boolean</option>
            <option value="enum">enum</option>
          </select>
        )}
      </Field>
      {varType === "enum" && (
        <Field label="Choices (comma separated)" className="col-span-2">
          {(aria) => <input className={inputClass} value={choices} onChange={(e) => setChoices(e.target.value)} {...aria} />}
        </Field>
      )}
      <Field label="Variable description" className="col-span-2">
        {(aria) => <input className={inputClass} value={description} onChange={(e) => setDescription(e.target.value)} {...aria} />}
      </Field>
      <div className="col-span-2 flex gap-2">
        <Button tone="primary" type="submit" disabled={loading || !name.trim()}>
          Declare
        </Button>
        <Button tone="ghost" onClick={onDone}>
          Cancel
        </Button>
      </div>
      {error && error.field !== "variableSchemas" && (
        <div className="col-span-2">
          <Status kind="error">{error.message}</Status>
        </div>
      )}
    </form>
  );
}
