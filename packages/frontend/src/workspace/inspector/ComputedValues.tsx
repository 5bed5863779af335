/**
 * Computed values of an entity (`available`, `visible` and named fields) as its conditions decide them,
 * with the explain trace for game masters: each condition in priority order, its value or error, and how
 * the rules engine got there.
 */
import { useQuery } from "@apollo/client/react";
import { describeError } from "../../apollo/errors.ts";
import { Status } from "../../components/ui.tsx";
import { EvaluateConditionsDocument, type EntityType } from "../../gql/graphql.ts";
import { shortId } from "../../lib/entities.ts";
import { useWorkspace } from "../context.ts";
import { compact, TraceTree } from "./Trace.tsx";

/** One condition's entry in a field's trace (see the API's `FieldEvaluation.trace`). */
interface ConditionTrace {
  readonly conditionId: string;
  readonly priority: number | null;
  readonly ok: boolean;
  readonly value: unknown;
  readonly error: { type: string; message: string } | null;
  readonly trace: unknown;
}

function conditionTraces(trace: unknown): ConditionTrace[] {
  return Array.isArray(trace) ? (trace as ConditionTrace[]) : [];
}

export function formatValue(value: unknown): string {
  if (value === true) return "Yes";
  if (value === false) return "No";
  if (value === null || value === undefined) return "—";
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function ComputedValues({ type, id }: { type: EntityType; id: string }) {
  const ws = useWorkspace();
  const { data, loading, error } = useQuery(EvaluateConditionsDocument, {
    variables: { type, id, branchId: ws.branch.id, asOf: ws.asOf, explain: ws.isGm },
    fetchPolicy: "cache-and-network",
  });
  const fields = data?.evaluateConditions ?? [];
  return (
    <section aria-labelledby="computed-values-title" className="flex flex-col gap-2" data-testid="computed-values">
      <h3 id="computed-values-title" className="text-sm font-semibold text-slate-200">
        Computed values
      </h3>
      {loading && !data && <Status>Evaluating conditions…</Status>}
      {error && <Status kind="error">{describeError(error).message}</Status>}
      <ul className="flex flex-col gap-1.5 text-sm">
        {fields.map((f) => {
          const traces = conditionTraces(f.trace);
          return (
            <li key={f.field} className="rounded border border-slate-800 px-2 py-1.5" data-testid={`computed-${f.field}`}>
              <div className="flex flex-wrap items-baseline gap-2">
                <span className="text-slate-400">{f.field}</span>
                <span className="font-medium" data-testid="computed-value">
                  {formatValue(f.value)}
                </span>
                <span className="flex-1" />
                <span className="text-xs text-slate-500">
                  {f.source === "default" ? "default (no condition)" : f.source}
                  {f.cached ? ", cached" : ""}
                </span>
              </div>
              {f.errors.map((e) => (
                <p key={e} className="text-xs text-rose-300">
                  {e}
                </p>
              ))}
              {traces.length > 0 && (
                <details className="mt-1 text-xs">
                  <summary className="cursor-pointer text-violet-300">Why? ({traces.length === 1 ? "1 condition" : `${traces.length} conditions`})</summary>
                  <ol className="mt-1 flex flex-col gap-2" data-testid="explain-trace">
                    {traces.map((t) => (
                      <li key={t.conditionId} className="rounded bg-slate-950/60 p-2">
                        <p>
                          Condition <span title={t.conditionId}>{shortId(t.conditionId)}</span>, priority {t.priority ?? 0}:{" "}
                          {t.ok ? <span className="text-emerald-300">{compact(t.value)}</span> : <span className="text-rose-300">{t.error ? `${t.error.type}: ${t.error.message}` : "failed"}</span>}
                        </p>
                        <details className="mt-1">
                          <summary className="cursor-pointer text-slate-400">Trace</summary>
                          <TraceTree trace={t.trace} />
                        </details>
                      </li>
                    ))}
                  </ol>
                </details>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
