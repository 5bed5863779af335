/**
 * Cherry-pick: take one version of an entity from a branch (its change against the version before it)
 * and apply it to another branch with `cherryPick`. Conflicting fields come back as an error with the
 * conflicts; the GM picks a side for each and applies again.
 */
import { useMutation, useQuery } from "@apollo/client/react";
import { useId, useMemo, useState } from "react";
import { describeError } from "../apollo/errors.ts";
import { Button, Field, inputClass, Panel, Status } from "../components/ui.tsx";
import { CherryPickDocument, EntityHistoryDocument, type EntityType } from "../gql/graphql.ts";
import { ENTITY_TYPES, type EntityRow, entityMeta } from "../lib/entities.ts";
import { changedFields, conflictsFrom, previousVersion } from "./cherryPick.ts";
import { type Choice, type ConflictLike, ConflictTable, conflictKey, resolutionsFor } from "./ConflictTable.tsx";
import { useWorkspace } from "./context.ts";

type Message = { kind: "error" | "success"; text: string };

export function CherryPickPanel() {
  const ws = useWorkspace();
  const versionsId = useId();
  const others = ws.branches.filter((b) => b.id !== ws.branch.id);
  const [source, setSource] = useState(others[0]?.id ?? ws.branch.id);
  const [type, setType] = useState<EntityType>("SETTLEMENT");
  const [entityId, setEntityId] = useState("");
  const [versionId, setVersionId] = useState("");
  const [targetChoice, setTarget] = useState("");
  const [conflicts, setConflicts] = useState<ConflictLike[] | null>(null);
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const [message, setMessage] = useState<Message | null>(null);
  const target = targetChoice && targetChoice !== source ? targetChoice : ws.branch.id !== source ? ws.branch.id : (ws.branches.find((b) => b.id !== source)?.id ?? "");
  const branchName = (id: string) => ws.branches.find((b) => b.id === id)?.name ?? "?";

  const meta = entityMeta(type) ?? ENTITY_TYPES[0]!;
  const list = useQuery(meta.list, { variables: { campaignId: ws.campaign.id, branchId: source, asOf: null, includeDeleted: true } });
  const rows = useMemo(() => {
    const found = ((list.data as Record<string, unknown> | undefined)?.[meta.key] ?? []) as EntityRow[];
    return [...found].sort((a, b) => (a.name ?? "").localeCompare(b.name ?? ""));
  }, [list.data, meta.key]);
  const history = useQuery(EntityHistoryDocument, { variables: { type, id: entityId, branchId: source }, skip: !entityId });
  // Versions visible from the source branch, oldest first; only its own can be picked from it.
  const visible = useMemo(() => [...(history.data?.entityHistory ?? [])].sort((a, b) => a.version - b.version), [history.data]);
  const versions = visible.filter((v) => v.branchId === source);
  const picked = versions.find((v) => v.versionId === versionId);
  const [cherryPick, { loading }] = useMutation(CherryPickDocument);
  const unresolved = conflicts?.filter((c) => !choices[conflictKey(c)]).length ?? 0;

  /** Any change of what to pick starts over (old conflicts belong to the old choice). */
  const reset = () => {
    setConflicts(null);
    setChoices({});
    setMessage(null);
  };

  const onApply = async () => {
    if (!picked || !target) return;
    setMessage(null);
    try {
      const result = await cherryPick({
        variables: { versionId: picked.versionId, targetBranchId: target, resolutions: conflicts ? resolutionsFor(conflicts, choices) : null },
      });
      const written = result.data?.cherryPick.written ?? 0;
      const into = result.data?.cherryPick.target.name ?? branchName(target);
      setConflicts(null);
      setChoices({});
      setMessage({
        kind: "success",
        text: written ? `Cherry-picked version ${picked.version}: ${written} ${written === 1 ? "entity" : "entities"} written to ${into}.` : `Nothing to apply: ${into} already has this change.`,
      });
      ws.announce("Cherry-pick applied.");
      ws.refetchWorkspace();
    } catch (err) {
      const info = describeError(err);
      const found = info.code === "VALIDATION_FAILED" ? conflictsFrom(info.details) : null;
      if (found) {
        setConflicts(found);
        setChoices({});
        setMessage({ kind: "error", text: `${found.length} ${found.length === 1 ? "conflict" : "conflicts"}: choose the value to keep, then apply again.` });
      } else {
        setMessage({ kind: "error", text: info.message });
      }
    }
  };

  if (ws.branches.length < 2) {
    return (
      <Panel title="Cherry-pick a change" className="xl:col-span-2">
        <p className="text-sm text-slate-400">Fork a branch first: a cherry-pick copies one change from one branch to another.</p>
      </Panel>
    );
  }

  return (
    <Panel title="Cherry-pick a change" className="xl:col-span-2">
      <div className="flex flex-col gap-3" data-testid="cherry-pick">
        <p className="text-sm text-slate-400">Apply one version of an entity from another branch: its change against the version before it.</p>
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
          <Field label="Pick from branch">
            {(aria) => (
              <select className={inputClass} value={source} onChange={(e) => { setSource(e.target.value); setEntityId(""); setVersionId(""); reset(); }} {...aria}>
                {ws.branches.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Entity type">
            {(aria) => (
              <select className={inputClass} value={type} onChange={(e) => { setType(e.target.value as EntityType); setEntityId(""); setVersionId(""); reset(); }} {...aria}>
                {ENTITY_TYPES.map((m) => (
                  <option key={m.type} value={m.type}>
                    {m.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Entity">
            {(aria) => (
              <select className={inputClass} value={entityId} onChange={(e) => { setEntityId(e.target.value); setVersionId(""); reset(); }} {...aria}>
                <option value="">{list.loading ? "Loading…" : rows.length ? "Choose…" : `No ${meta.plural.toLowerCase()}`}</option>
                {rows.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name || r.id}
                    {r.deleted ? " (deleted)" : ""}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Apply to branch">
            {(aria) => (
              <select className={inputClass} value={target} onChange={(e) => { setTarget(e.target.value); reset(); }} {...aria}>
                {ws.branches
                  .filter((b) => b.id !== source)
                  .map((b) => (
                    <option key={b.id} value={b.id}>
                      {b.name}
                    </option>
                  ))}
              </select>
            )}
          </Field>
        </div>

        {entityId && (
          <fieldset aria-describedby={versionsId}>
            <legend className="mb-1 text-sm font-semibold">Version to pick</legend>
            <p id={versionsId} className="mb-1 text-xs text-slate-400">
              Each version lists the fields it changed.
            </p>
            {history.loading && !versions.length && <Status>Loading versions…</Status>}
            {history.error && <Status kind="error">{describeError(history.error).message}</Status>}
            <ul className="flex flex-col gap-1" data-testid="cherry-pick-versions">
              {!history.loading && !versions.length && <p className="text-sm text-slate-400">This entity has no changes of its own on {branchName(source)}.</p>}
              {versions.map((v) => {
                const before = previousVersion(visible, v);
                const fields = changedFields(before?.data, v.data);
                return (
                  <li key={v.versionId}>
                    <label className="flex items-start gap-2 text-sm">
                      <input type="radio" name={`${versionsId}-version`} className="mt-1 accent-violet-500" checked={versionId === v.versionId} onChange={() => { setVersionId(v.versionId); reset(); }} />
                      <span>
                        Version {v.version} at {v.validFrom}
                        {v.deleted && <span className="text-rose-300"> (deleted)</span>}
                        <span className="block text-xs text-slate-400">{!before ? "created" : fields.length ? `changed ${fields.join(", ")}` : "no field changes"}</span>
                      </span>
                    </label>
                  </li>
                );
              })}
            </ul>
          </fieldset>
        )}

        {conflicts && <ConflictTable conflicts={conflicts} choices={choices} onChoose={(key, side) => setChoices((s) => ({ ...s, [key]: side }))} />}
        <div className="flex flex-wrap items-center gap-3">
          <Button tone="primary" onClick={() => void onApply()} disabled={!picked || !target || loading || unresolved > 0}>
            {picked ? `Cherry-pick version ${picked.version} into ${branchName(target)}` : "Cherry-pick"}
          </Button>
          {unresolved > 0 && <span className="text-sm text-amber-200">{unresolved} conflict(s) still need a choice.</span>}
        </div>
        {message && <Status kind={message.kind} testId="cherry-pick-status">{message.text}</Status>}
      </div>
    </Panel>
  );
}
