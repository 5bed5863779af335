import { useId } from "react";
import type { HealthCheck, ReadinessResult } from "../api/health.ts";
import {
  DEFAULT_POLL_INTERVAL_MS,
  type ReadinessFetcher,
  useReadiness,
} from "../hooks/useReadiness.ts";
import { checkLabel, formatLatency } from "./format.ts";

type Tone = "pending" | "good" | "bad" | "unknown";

interface Overview {
  /** Machine-readable state, exposed as `data-status`. */
  readonly state: "loading" | "ready" | "not_ready" | "unreachable" | "error";
  readonly tone: Tone;
  readonly label: string;
  readonly summary: string | null;
  readonly checks: readonly HealthCheck[];
}

function overview(result: ReadinessResult | null): Overview {
  if (result === null) {
    return { state: "loading", tone: "pending", label: "Checking…", summary: null, checks: [] };
  }
  switch (result.kind) {
    case "unreachable":
      return {
        state: "unreachable",
        tone: "bad",
        label: "API unreachable",
        summary: result.reason,
        checks: [],
      };
    case "error":
      return {
        state: "error",
        tone: "unknown",
        label: "Status unknown",
        summary: result.reason,
        checks: [],
      };
    case "report": {
      const { status, checks, failing } = result.report;
      if (status === "ready") {
        const count = checks.length;
        return {
          state: "ready",
          tone: "good",
          label: "Ready",
          summary: `All ${count} ${count === 1 ? "check" : "checks"} passing.`,
          checks,
        };
      }
      const failingText = failing
        .map((name) => {
          const error = checks.find((check) => check.name === name)?.error;
          return error ? `${checkLabel(name)} (${error})` : checkLabel(name);
        })
        .join(", ");
      return {
        state: "not_ready",
        tone: "bad",
        label: "Not ready",
        summary: failingText ? `Failing: ${failingText}.` : null,
        checks,
      };
    }
  }
}

const TONE_CLASSES: Record<Tone, string> = {
  pending: "bg-slate-700 text-slate-200",
  good: "bg-emerald-900/60 text-emerald-200 ring-1 ring-emerald-500/50",
  bad: "bg-rose-900/60 text-rose-200 ring-1 ring-rose-500/50",
  unknown: "bg-amber-900/60 text-amber-200 ring-1 ring-amber-500/50",
};

const TONE_ICONS: Record<Tone, string> = { pending: "…", good: "✓", bad: "✕", unknown: "?" };

function CheckRow({ check }: { check: HealthCheck }) {
  const tone: Tone = check.ok ? "good" : "bad";
  return (
    <li
      data-testid={`check-${check.name}`}
      data-ok={String(check.ok)}
      className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2"
    >
      <span aria-hidden="true" className={`grid size-6 place-items-center rounded-full text-xs ${TONE_CLASSES[tone]}`}>
        {TONE_ICONS[tone]}
      </span>
      <span className="flex-1 font-medium">
        {checkLabel(check.name)}
        <span className="sr-only">: </span>
      </span>
      <span className={`rounded px-2 py-0.5 text-xs font-semibold uppercase ${TONE_CLASSES[tone]}`}>
        {check.ok ? "OK" : "Failing"}
      </span>
      {check.latency_ms !== null && (
        <span className="w-16 text-right text-xs text-slate-400 tabular-nums">
          <span className="sr-only">, latency </span>
          {formatLatency(check.latency_ms)}
        </span>
      )}
      {check.error !== null && (
        <span className="basis-full pl-9 text-sm text-rose-300">
          <span className="sr-only">, error: </span>
          {check.error}
        </span>
      )}
    </li>
  );
}

export interface StackStatusProps {
  /** Override the readiness request (tests, storybook). */
  readonly fetcher?: ReadinessFetcher;
  readonly intervalMs?: number;
}

/** Panel showing `GET /health/ready`: overall status plus one row per dependency check. */
export function StackStatus({ fetcher, intervalMs = DEFAULT_POLL_INTERVAL_MS }: StackStatusProps) {
  const headingId = useId();
  const { result, checkedAt } = useReadiness({ fetcher, intervalMs });
  const view = overview(result);

  return (
    <section
      data-testid="stack-status"
      aria-labelledby={headingId}
      aria-busy={result === null}
      className="h-fit rounded-lg border border-slate-800 bg-slate-900 p-4 shadow"
    >
      <h2 id={headingId} className="text-lg font-semibold">
        Stack status
      </h2>

      {/* Only the overall state and the failing list are announced, and only when they change. */}
      <div role="status" aria-live="polite" aria-atomic="true" className="mt-3 space-y-1">
        <p data-testid="overall-status" data-status={view.state} className="flex items-center gap-2">
          <span aria-hidden="true" className={`grid size-6 place-items-center rounded-full text-xs ${TONE_CLASSES[view.tone]}`}>
            {TONE_ICONS[view.tone]}
          </span>
          <span>
            Overall: <strong className="font-semibold">{view.label}</strong>
          </span>
        </p>
        {view.summary !== null && (
          <p data-testid="status-summary" className="text-sm text-slate-300">
            {view.summary}
          </p>
        )}
      </div>

      {view.checks.length > 0 && (
        <ul aria-label="Dependency checks" className="mt-3 divide-y divide-slate-800">
          {view.checks.map((check) => (
            <CheckRow key={check.name} check={check} />
          ))}
        </ul>
      )}

      <p className="mt-3 text-xs text-slate-500">
        {checkedAt ? (
          <>
            Last checked <time dateTime={checkedAt.toISOString()}>{checkedAt.toLocaleTimeString()}</time>
            {" · "}
          </>
        ) : null}
        Refreshes every {Math.round(intervalMs / 1000)} s
      </p>
    </section>
  );
}
