/**
 * "Would this be available now?": the draft rule evaluated by the API (`previewCondition`) against the
 * entity's real rule context at the shown branch and world time, exactly as it would be once saved.
 * Debounced while the rule is edited; a rule the API refuses (VALIDATION_FAILED) shows why, inline.
 */
import { useQuery } from "@apollo/client/react";
import { useEffect, useState } from "react";
import { describeError } from "../../apollo/errors.ts";
import { Status } from "../../components/ui.tsx";
import { type EntityType, PreviewConditionDocument } from "../../gql/graphql.ts";
import { useWorkspace } from "../context.ts";
import { formatValue } from "./ComputedValues.tsx";
import type { Json } from "./jsonLogic.ts";
import { TraceTree } from "./Trace.tsx";

export const PREVIEW_DELAY_MS = 300;

export function useDebounced<T>(value: T, delay: number): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setCurrent(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return current;
}

/** JSON Logic truthiness: false, null, 0, "" and [] are false. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

const QUESTIONS: Record<string, string> = {
  available: "Would this be available now?",
  visible: "Would this be visible now?",
};

export function RulePreview({ type, id, field, expression, disabled }: { type: EntityType; id: string; field: string; expression: Json; disabled?: boolean }) {
  const ws = useWorkspace();
  const debounced = useDebounced(expression, PREVIEW_DELAY_MS);
  const settled = JSON.stringify(debounced) === JSON.stringify(expression);
  const { data, previousData, error } = useQuery(PreviewConditionDocument, {
    variables: { type, id, expression: debounced, branchId: ws.branch.id, asOf: ws.asOf },
    skip: disabled,
  });
  // After a refused draft, don't keep showing the answer of the last valid one.
  const result = error ? undefined : (data ?? previousData)?.previewCondition;
  const problem = error ? describeError(error) : null;
  const boolean = field in QUESTIONS;
  const answer = !result ? null : !result.ok ? "error" : result.value === null && boolean ? "none" : boolean ? String(truthy(result.value)) : "value";

  return (
    <section aria-labelledby="rule-preview-title" className="flex flex-col gap-1 rounded border border-slate-800 bg-slate-950/40 p-2" data-testid="rule-preview" data-value={answer ?? ""} aria-busy={!settled || undefined}>
      <h4 id="rule-preview-title" className="text-xs font-semibold text-slate-300">
        {QUESTIONS[field] ?? `What would ${field || "this field"} be now?`}
      </h4>
      {disabled && <p className="text-xs text-amber-300">Fix the JSON to see the preview.</p>}
      {!disabled && !result && !error && <Status>Evaluating…</Status>}
      {problem &&
        (problem.code === "VALIDATION_FAILED" ? (
          <p role="alert" className="text-xs text-rose-300" data-testid="rule-preview-invalid">
            The API refuses this rule: {problem.message}
          </p>
        ) : (
          <Status kind="error">{problem.message}</Status>
        ))}
      {result && (
        <div role="status" aria-live="polite" className="text-sm">
          {answer === "true" && <span className="font-semibold text-emerald-300" data-testid="rule-preview-answer">Yes</span>}
          {answer === "false" && <span className="font-semibold text-rose-300" data-testid="rule-preview-answer">No</span>}
          {answer === "none" && <span data-testid="rule-preview-answer">No answer: the default applies</span>}
          {answer === "value" && <span className="font-mono" data-testid="rule-preview-answer">{formatValue(result.value)}</span>}
          {answer === "error" && (
            <span className="text-rose-300" data-testid="rule-preview-answer">
              Error: {result.errorType}: {result.errorMessage}
            </span>
          )}
          {boolean && answer !== "error" && result.value !== null && typeof result.value !== "boolean" && (
            <span className="ml-2 text-xs text-slate-400">(the rule gives {formatValue(result.value)})</span>
          )}
        </div>
      )}
      {result?.trace != null && (
        <details className="text-xs">
          <summary className="cursor-pointer text-violet-300">Trace</summary>
          <TraceTree trace={result.trace} />
        </details>
      )}
      <p className="text-xs text-slate-500">Evaluated by the server as if saved on this entity (its party, settlement and kingdom, state variables and campaign flags) on this branch at the shown world time. Nothing is saved.</p>
    </section>
  );
}
