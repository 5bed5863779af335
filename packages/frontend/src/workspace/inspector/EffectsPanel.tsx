/**
 * Effects: those an event or encounter owns (with a dry-run preview of its resolution, then Resolve) and
 * those that change the selected entity. An effect is a JSON Patch on its target.
 */
import { useApolloClient, useMutation, useQuery } from "@apollo/client/react";
import { type FormEvent, useState } from "react";
import { describeError, type ErrorInfo } from "../../apollo/errors.ts";
import { Button, Field, inputClass, Status } from "../../components/ui.tsx";
import {
  CreateEffectDocument,
  type EffectFieldsFragment,
  EffectsDocument,
  type EffectTiming,
  EntityRecordDocument,
  type EntityType,
  type ResolutionFieldsFragment,
  ResolveEncounterDocument,
  ResolveEventDocument,
} from "../../gql/graphql.ts";
import { ENTITY_TYPES, type EntityRow, entityMeta } from "../../lib/entities.ts";
import { useUi } from "../../store/ui.ts";
import { scope, useWorkspace } from "../context.ts";
import { EntityName } from "../EntityName.tsx";
import { formatValue } from "./ComputedValues.tsx";
import { parseJson } from "./jsonLogic.ts";
import { compact } from "./Trace.tsx";

/** One RFC 6902 operation. */
interface PatchOp {
  readonly op: string;
  readonly path: string;
  readonly value?: unknown;
  readonly from?: string;
}

function patchOps(value: unknown): PatchOp[] {
  return Array.isArray(value) ? (value.filter((v) => typeof v === "object" && v !== null && "op" in v && "path" in v) as PatchOp[]) : [];
}

/** `/variables/morale` → `variables.morale`. */
export function pointerLabel(path: string): string {
  return path.replace(/^\//, "").split("/").map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~")).join(".");
}

/** The value at a JSON Pointer, or undefined. */
export function atPointer(data: unknown, path: string): unknown {
  let current = data;
  for (const raw of path.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function OpList({ ops, testId }: { ops: readonly PatchOp[]; testId?: string }) {
  return (
    <ul className="font-mono text-xs" data-testid={testId}>
      {ops.map((o, i) => (
        <li key={i}>
          <span className="text-violet-300">{o.op}</span> {pointerLabel(o.path)}
          {o.from !== undefined && ` from ${pointerLabel(o.from)}`}
          {"value" in o && <span className="text-emerald-300"> → {compact(o.value, 60)}</span>}
        </li>
      ))}
    </ul>
  );
}

function Target({ type, id }: { type: EntityType; id: string }) {
  const select = useUi((s) => s.select);
  const meta = entityMeta(type);
  return (
    <button
      type="button"
      className="text-violet-200 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-violet-400"
      onClick={() => select({ type, id })}
      aria-label={`Open ${meta?.label.toLowerCase() ?? "target"} in the inspector`}
    >
      {meta?.label ?? type} <EntityName type={type} id={id} />
    </button>
  );
}

function EffectItem({ effect, show }: { effect: EffectFieldsFragment; show: "target" | "owner" }) {
  return (
    <li className="flex flex-col gap-1 rounded border border-slate-800 p-2" data-testid="effect-item">
      <div className="flex flex-wrap items-center gap-x-2 text-xs text-slate-400">
        {show === "target" && effect.targetType && effect.targetId && (
          <span>
            changes <Target type={effect.targetType} id={effect.targetId} />
          </span>
        )}
        {show === "owner" && effect.ownerType && effect.ownerId && (
          <span>
            from <Target type={effect.ownerType} id={effect.ownerId} />
          </span>
        )}
        <span>{(effect.timing ?? "ON_RESOLVE").toLowerCase().replace("_", " ")}</span>
        <span>priority {effect.priority ?? 0}</span>
        {effect.delaySeconds ? <span>delayed {effect.delaySeconds} s</span> : null}
        {effect.active === false && <span className="rounded bg-slate-800 px-1.5">inactive</span>}
      </div>
      <OpList ops={patchOps(effect.operations)} />
    </li>
  );
}

/** The target's values now at the paths an effect changed (read back after a real resolution). */
function TargetNow({ type, id, paths }: { type: EntityType; id: string; paths: readonly string[] }) {
  const ws = useWorkspace();
  const { data } = useQuery(EntityRecordDocument, { variables: { type, id, branchId: ws.branch.id }, fetchPolicy: "network-only" });
  if (!data?.entity) return null;
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-2 text-xs" data-testid="target-now">
      {paths.map((p) => (
        <div key={p} className="contents">
          <dt className="text-slate-400">{pointerLabel(p)} now</dt>
          <dd className="font-mono">{formatValue(atPointer(data.entity, p))}</dd>
        </div>
      ))}
    </dl>
  );
}

function ResolutionView({ result }: { result: ResolutionFieldsFragment }) {
  const failed = result.status === "FAILED";
  return (
    <div className="flex flex-col gap-2 rounded border border-slate-700 bg-slate-950/40 p-2 text-sm" data-testid={result.dryRun ? "dry-run-result" : "resolution-result"}>
      <p className={failed ? "text-rose-300" : "text-slate-200"}>
        {result.dryRun ? (failed ? "Dry run: resolving would fail." : `Dry run: resolving would set the status to ${result.status.toLowerCase()} and apply:`) : `Resolved (${result.status.toLowerCase()}) at ${result.worldTime}. Applied:`}
      </p>
      {result.executions.length === 0 && <p className="text-xs text-slate-500">No effects.</p>}
      <ul className="flex flex-col gap-2">
        {result.executions.map((x) => {
          const ops = patchOps(x.diff);
          return (
            <li key={x.effectId} className="flex flex-col gap-1" data-testid="execution">
              <div className="flex flex-wrap items-center gap-2 text-xs">
                <Target type={x.targetType} id={x.targetId} />
                <span className="text-slate-400">{x.timing.toLowerCase().replace("_", " ")}</span>
                {x.deferredUntil && <span className="text-amber-300">deferred until {x.deferredUntil}</span>}
                {!x.success && <span className="text-rose-300">failed: {x.error}</span>}
              </div>
              {ops.length > 0 ? <OpList ops={ops} testId="execution-diff" /> : x.success && !x.deferredUntil && <p className="text-xs text-slate-500">No change.</p>}
              {!result.dryRun && x.success && ops.length > 0 && <TargetNow type={x.targetType} id={x.targetId} paths={ops.map((o) => o.path)} />}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

const FINAL: Record<string, readonly string[]> = { EVENT: ["COMPLETED", "EXPIRED", "CANCELLED"], ENCOUNTER: ["RESOLVED", "EXPIRED"] };

function Resolution({ type, id, status }: { type: "EVENT" | "ENCOUNTER"; id: string; status: string | null }) {
  const ws = useWorkspace();
  const client = useApolloClient();
  const [resolveEvent, eventState] = useMutation(ResolveEventDocument);
  const [resolveEncounter, encounterState] = useMutation(ResolveEncounterDocument);
  const [result, setResult] = useState<ResolutionFieldsFragment | null>(null);
  const [error, setError] = useState<string | null>(null);
  const busy = eventState.loading || encounterState.loading;
  const final = status !== null && FINAL[type]!.includes(status);

  const run = async (dryRun: boolean) => {
    setError(null);
    try {
      const variables = { id, branchId: ws.branch.id, dryRun };
      const payload =
        type === "EVENT" ? (await resolveEvent({ variables })).data?.resolveEvent : (await resolveEncounter({ variables })).data?.resolveEncounter;
      setResult(payload ?? null);
      if (!dryRun) {
        ws.announce(`${type === "EVENT" ? "Event" : "Encounter"} resolved.`);
        await client.refetchQueries({ include: "active" });
      }
    } catch (e) {
      setError(describeError(e).message);
    }
  };

  if (!ws.isGm || ws.asOf !== null) return result ? <ResolutionView result={result} /> : null;
  return (
    <div className="flex flex-col gap-2">
      {final && !result && <p className="text-xs text-slate-400">This {type.toLowerCase()} is {status?.toLowerCase()}: it cannot be resolved again.</p>}
      {!final && (
        <div className="flex flex-wrap gap-2">
          <Button onClick={() => void run(true)} disabled={busy}>
            Preview resolution (dry run)
          </Button>
          <Button tone="primary" onClick={() => void run(false)} disabled={busy}>
            Resolve now
          </Button>
        </div>
      )}
      {busy && <Status>Working…</Status>}
      {error && <Status kind="error">{error}</Status>}
      {result && <ResolutionView result={result} />}
    </div>
  );
}

export function EffectsPanel({ type, id, status }: { type: EntityType; id: string; status: string | null }) {
  const ws = useWorkspace();
  const { data, loading, error } = useQuery(EffectsDocument, { variables: { campaignId: ws.campaign.id, branchId: ws.branch.id, asOf: ws.asOf } });
  const effects = data?.effects ?? [];
  const owner = type === "EVENT" || type === "ENCOUNTER";
  const own = effects.filter((e) => e.ownerId === id).sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0));
  const onThis = effects.filter((e) => e.targetId === id);
  const [adding, setAdding] = useState(false);

  return (
    <div className="flex flex-col gap-3 text-sm" data-testid="effects-panel">
      {loading && !data && <Status>Loading effects…</Status>}
      {error && <Status kind="error">{describeError(error).message}</Status>}
      {owner && (
        <section aria-labelledby="own-effects-title" className="flex flex-col gap-2">
          <h3 id="own-effects-title" className="text-sm font-semibold text-slate-200">
            Effects of this {type.toLowerCase()}
          </h3>
          {data && own.length === 0 && <p className="text-slate-500">No effects.</p>}
          <ul className="flex flex-col gap-2">
            {own.map((e) => (
              <EffectItem key={e.id} effect={e} show="target" />
            ))}
          </ul>
          {ws.isGm && ws.asOf === null && (adding ? <EffectForm ownerType={type} ownerId={id} onDone={() => setAdding(false)} /> : <Button className="self-start" onClick={() => setAdding(true)}>New effect</Button>)}
          <Resolution type={type} id={id} status={status} />
        </section>
      )}
      {(!owner || onThis.length > 0) && (
        <section aria-labelledby="effects-on-title" className="flex flex-col gap-2">
          <h3 id="effects-on-title" className="text-sm font-semibold text-slate-200">
            Effects that change this
          </h3>
          {data && onThis.length === 0 && <p className="text-slate-500">None.</p>}
          <ul className="flex flex-col gap-2">
            {onThis.map((e) => (
              <EffectItem key={e.id} effect={e} show="owner" />
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

const TIMINGS: readonly EffectTiming[] = ["PRE", "ON_RESOLVE", "POST", "ON_EXPIRE"];
const TARGET_TYPES = ENTITY_TYPES.filter((m) => m.type !== "LOCATION");

/** A new effect: its target, the JSON Patch operations, timing and priority. */
function EffectForm({ ownerType, ownerId, onDone }: { ownerType: EntityType; ownerId: string; onDone(): void }) {
  const ws = useWorkspace();
  const [targetType, setTargetType] = useState<EntityType>("SETTLEMENT");
  const [targetId, setTargetId] = useState("");
  const [operations, setOperations] = useState('[\n  {"op": "replace", "path": "/population", "value": 0}\n]');
  const [timing, setTiming] = useState<EffectTiming>("ON_RESOLVE");
  const [priority, setPriority] = useState("0");
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [create, { loading }] = useMutation(CreateEffectDocument, { refetchQueries: [EffectsDocument] });
  const meta = entityMeta(targetType)!;
  const targets = useQuery(meta.list, { variables: scope(ws) });
  const rows = ((targets.data as Record<string, unknown> | undefined)?.[meta.key] ?? []) as EntityRow[];
  const parsed = parseJson(operations);
  const opsError = !parsed.ok ? `Invalid JSON: ${parsed.error}` : error?.field?.startsWith("operations") ? error.message : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!parsed.ok || !targetId) return;
    setError(null);
    try {
      await create({
        variables: { input: { campaignId: ws.campaign.id, branchId: ws.branch.id, ownerType, ownerId, targetType, targetId, operations: parsed.value, timing, priority: Number(priority) || 0 } },
      });
      ws.announce("Effect created.");
      onDone();
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-label="New effect" className="grid grid-cols-2 gap-2 rounded border border-slate-800 p-2" data-testid="effect-form">
      <Field label="Target type">
        {(aria) => (
          <select className={inputClass} value={targetType} onChange={(e) => { setTargetType(e.target.value as EntityType); setTargetId(""); }} {...aria}>
            {TARGET_TYPES.map((m) => (
              <option key={m.type} value={m.type}>
                {m.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Target" error={error?.field === "targetId" ? error.message : null}>
        {(aria) => (
          <select className={inputClass} value={targetId} onChange={(e) => setTargetId(e.target.value)} {...aria}>
            <option value="">— choose —</option>
            {rows.filter((r) => !r.deleted).map((r) => (
              <option key={r.id} value={r.id}>
                {r.name || r.id}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Operations (JSON Patch)" error={opsError} className="col-span-2" hint="Paths are stored field names: /population, /variables/morale">
        {(aria) => <textarea className={`${inputClass} font-mono text-xs`} rows={4} value={operations} onChange={(e) => setOperations(e.target.value)} {...aria} />}
      </Field>
      <Field label="Timing">
        {(aria) => (
          <select className={inputClass} value={timing} onChange={(e) => setTiming(e.target.value as EffectTiming)} {...aria}>
            {TIMINGS.map((t) => (
              <option key={t} value={t}>
                {t.toLowerCase().replace("_", " ")}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Effect priority">
        {(aria) => <input className={inputClass} inputMode="numeric" value={priority} onChange={(e) => setPriority(e.target.value)} {...aria} />}
      </Field>
      <div className="col-span-2 flex gap-2">
        <Button tone="primary" type="submit" disabled={loading || !parsed.ok || !targetId}>
          Create effect
        </Button>
        <Button tone="ghost" onClick={onDone}>
          Cancel
        </Button>
      </div>
      {error && !error.field?.startsWith("operations") && error.field !== "targetId" && (
        <div className="col-span-2">
          <Status kind="error">{error.message}</Status>
        </div>
      )}
    </form>
  );
}
