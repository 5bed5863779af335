/**
 * Conditions of an entity: the list (by priority), and an editor with the rule builder ⇄ JSON and a live
 * preview. Saving creates or updates the condition; an update carries the version it started from.
 */
import { useMutation, useQuery } from "@apollo/client/react";
import { type FormEvent, useId, useMemo, useState } from "react";
import { describeError, type ErrorInfo } from "../../apollo/errors.ts";
import { Button, Field, inputClass, Status } from "../../components/ui.tsx";
import {
  type ConditionFieldsFragment,
  ConditionsDocument,
  CreateConditionDocument,
  DeleteConditionDocument,
  type EntityType,
  EvaluateConditionsDocument,
  UpdateConditionDocument,
} from "../../gql/graphql.ts";
import { useWorkspace } from "../context.ts";
import type { Json } from "./jsonLogic.ts";
import { useRulePaths } from "./rulePaths.ts";
import { RuleBuilder } from "./RuleBuilder.tsx";
import { RulePreview } from "./RulePreview.tsx";
import { compact } from "./Trace.tsx";

const DEFAULT_PATHS: Partial<Record<EntityType, string>> = {
  PARTY: "party.level",
  CHARACTER: "character.level",
  KINGDOM: "kingdom.level",
  SETTLEMENT: "settlement.population",
  STRUCTURE: "structure.condition",
};

export function defaultExpression(type: EntityType): Json {
  return { and: [{ ">=": [{ var: DEFAULT_PATHS[type] ?? "world.time" }, 0] }] };
}

interface Draft {
  /** null for a new condition. */
  readonly id: string | null;
  readonly version: number;
  readonly field: string;
  readonly priority: string;
  readonly active: boolean;
  readonly expression: Json;
}

export function ConditionsPanel({ type, id }: { type: EntityType; id: string }) {
  const ws = useWorkspace();
  const canWrite = ws.isGm && ws.asOf === null;
  const { data, loading, error } = useQuery(ConditionsDocument, { variables: { campaignId: ws.campaign.id, branchId: ws.branch.id, asOf: ws.asOf } });
  const conditions = useMemo(
    () =>
      (data?.conditions ?? [])
        .filter((c) => c.entityType === type && c.entityId === id && !c.deleted)
        .sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0) || a.id.localeCompare(b.id)),
    [data, type, id],
  );
  const [draft, setDraft] = useState<Draft | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [removeCondition] = useMutation(DeleteConditionDocument, { refetchQueries: [ConditionsDocument, EvaluateConditionsDocument] });

  const edit = (c: ConditionFieldsFragment) =>
    setDraft({ id: c.id, version: c.version, field: c.field ?? "available", priority: String(c.priority ?? 0), active: c.active !== false, expression: (c.expression ?? null) as Json });
  const remove = async (c: ConditionFieldsFragment) => {
    setMessage(null);
    try {
      await removeCondition({ variables: { id: c.id, branchId: ws.branch.id, expectedVersion: c.version } });
      ws.announce("Condition deleted.");
    } catch (e) {
      setMessage(describeError(e).message);
    }
  };

  if (draft) {
    return (
      <ConditionEditor
        key={draft.id ?? "new"}
        type={type}
        id={id}
        draft={draft}
        onDone={(text) => {
          setDraft(null);
          if (text) ws.announce(text);
        }}
      />
    );
  }
  return (
    <div className="flex flex-col gap-2 text-sm" data-testid="conditions-panel">
      {loading && !data && <Status>Loading conditions…</Status>}
      {error && <Status kind="error">{describeError(error).message}</Status>}
      {data && conditions.length === 0 && <p className="text-slate-500">No conditions: available and visible by default.</p>}
      <ul className="flex flex-col gap-2" aria-label="Conditions, highest priority first">
        {conditions.map((c) => (
          <li key={c.id} className="flex flex-col gap-1 rounded border border-slate-800 p-2" data-testid="condition-item">
            <div className="flex flex-wrap items-center gap-2">
              <span className="font-medium">{c.field}</span>
              <span className="text-xs text-slate-400">priority {c.priority ?? 0}</span>
              {c.active === false && <span className="rounded bg-slate-800 px-1.5 text-xs">inactive</span>}
              <span className="flex-1" />
              {canWrite && (
                <>
                  <Button className="px-2 py-0.5 text-xs" aria-label={`Edit condition on ${c.field}`} onClick={() => edit(c)}>
                    Edit
                  </Button>
                  <Button tone="danger" className="px-2 py-0.5 text-xs" aria-label={`Delete condition on ${c.field}`} onClick={() => void remove(c)}>
                    Delete
                  </Button>
                </>
              )}
            </div>
            <code className="break-all font-mono text-xs text-slate-300">{compact(c.expression, 160)}</code>
          </li>
        ))}
      </ul>
      {message && <Status kind="error">{message}</Status>}
      {canWrite && (
        <Button
          tone="primary"
          className="self-start"
          onClick={() => setDraft({ id: null, version: 0, field: "available", priority: "0", active: true, expression: defaultExpression(type) })}
        >
          New condition
        </Button>
      )}
    </div>
  );
}

function ConditionEditor({ type, id, draft, onDone }: { type: EntityType; id: string; draft: Draft; onDone(message: string | null): void }) {
  const ws = useWorkspace();
  const fieldsListId = useId();
  const [values, setValues] = useState(draft);
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const suggestions = useRulePaths(type, id);
  const refetchQueries = [ConditionsDocument, EvaluateConditionsDocument];
  const [create, createState] = useMutation(CreateConditionDocument, { refetchQueries });
  const [update, updateState] = useMutation(UpdateConditionDocument, { refetchQueries });
  const busy = createState.loading || updateState.loading;
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setValues((v) => ({ ...v, [key]: value }));
  const field = values.field.trim();
  const priority = Number(values.priority);
  const fieldError = !field ? "Name the field this condition decides." : error?.field === "field" ? error.message : null;
  const priorityError = !Number.isInteger(priority) ? "Priority must be a whole number." : error?.field === "priority" ? error.message : null;

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (jsonError || fieldError || priorityError) return;
    setError(null);
    const fields = { field, priority, active: values.active, expression: values.expression };
    try {
      if (values.id) {
        await update({ variables: { id: values.id, branchId: ws.branch.id, input: { ...fields, expectedVersion: values.version } } });
      } else {
        await create({ variables: { input: { campaignId: ws.campaign.id, branchId: ws.branch.id, entityType: type, entityId: id, ...fields } } });
      }
      onDone("Condition saved.");
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <form onSubmit={save} noValidate className="flex flex-col gap-3 text-sm" aria-label={values.id ? "Edit condition" : "New condition"} data-testid="condition-editor">
      <div className="grid grid-cols-2 gap-2">
        <Field label="Decides field" error={fieldError} hint="available, visible or a computed name">
          {(aria) => (
            <>
              <input className={inputClass} list={fieldsListId} value={values.field} onChange={(e) => set("field", e.target.value)} {...aria} />
              <datalist id={fieldsListId}>
                <option value="available" />
                <option value="visible" />
              </datalist>
            </>
          )}
        </Field>
        <Field label="Priority" error={priorityError} hint="Highest first; first value wins">
          {(aria) => <input className={inputClass} inputMode="numeric" value={values.priority} onChange={(e) => set("priority", e.target.value)} {...aria} />}
        </Field>
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" className="size-4 accent-violet-500" checked={values.active} onChange={(e) => set("active", e.target.checked)} />
        Active
      </label>
      <RuleBuilder value={values.expression} onChange={(expression) => set("expression", expression)} onError={setJsonError} suggestions={suggestions} />
      {error?.field === "expression" && <Status kind="error">{error.message}</Status>}
      <RulePreview type={type} id={id} field={field} expression={values.expression} disabled={jsonError !== null} />
      <div className="flex flex-wrap items-center gap-2">
        <Button tone="primary" type="submit" disabled={busy || jsonError !== null}>
          Save condition
        </Button>
        <Button tone="ghost" onClick={() => onDone(null)}>
          Cancel
        </Button>
        {busy && <Status>Saving…</Status>}
      </div>
      {error && error.field !== "expression" && error.field !== "field" && error.field !== "priority" && <Status kind="error">{error.message}</Status>}
      {error?.code === "CONFLICT" && <p className="text-xs text-slate-400">Cancel to see the latest version, then apply your change again.</p>}
    </form>
  );
}

