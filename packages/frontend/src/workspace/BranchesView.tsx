/** Branches: the tree, fork, and compare/merge with a conflict resolution per field. */
import { useLazyQuery, useMutation } from "@apollo/client/react";
import { type FormEvent, useId, useMemo, useState } from "react";
import { describeError } from "../apollo/errors.ts";
import { Button, Field, inputClass, Panel, Status, TextField } from "../components/ui.tsx";
import { ForkBranchDocument, MergeBranchDocument, MergePreviewDocument } from "../gql/graphql.ts";
import { entityMeta } from "../lib/entities.ts";
import { useUi } from "../store/ui.ts";
import { CherryPickPanel } from "./CherryPickPanel.tsx";
import { type Choice, ConflictTable, conflictKey, resolutionsFor } from "./ConflictTable.tsx";
import { branchTree } from "./ContextBar.tsx";
import { useWorkspace } from "./context.ts";
import { EntityName } from "./EntityName.tsx";

export default function BranchesView() {
  const ws = useWorkspace();
  return (
    <div className="grid gap-4 p-4 xl:grid-cols-2">
      <BranchTree />
      {ws.isGm && <ForkForm />}
      {ws.isGm && <MergePanel />}
      {ws.isGm && <CherryPickPanel />}
    </div>
  );
}

function BranchTree() {
  const ws = useWorkspace();
  const setBranch = useUi((s) => s.setBranch);
  const tree = useMemo(() => branchTree(ws.branches), [ws.branches]);
  return (
    <Panel title="Branch tree">
      <ul className="flex flex-col gap-1" data-testid="branch-tree" aria-label="Branches">
        {tree.map(({ branch, depth }) => {
          const current = branch.id === ws.branch.id;
          return (
            <li key={branch.id} style={{ paddingLeft: `${depth * 1.25}rem` }} className="flex flex-wrap items-center gap-2 text-sm" data-testid="branch-node" aria-current={current ? "true" : undefined}>
              <span aria-hidden="true" className="text-slate-600">
                {depth ? "└" : "●"}
              </span>
              <span className={current ? "font-semibold text-violet-200" : ""}>{branch.name}</span>
              <span className="text-xs text-slate-400">
                {branch.parentId ? `forked at ${branch.forkTime} · ` : ""}now {branch.worldTime}
              </span>
              {current ? (
                <span className="text-xs text-violet-300">(current)</span>
              ) : (
                <Button tone="ghost" onClick={() => setBranch(ws.campaign.id, branch.id)} aria-label={`Switch to branch ${branch.name}`}>
                  Switch
                </Button>
              )}
            </li>
          );
        })}
      </ul>
    </Panel>
  );
}

function ForkForm() {
  const ws = useWorkspace();
  const setBranch = useUi((s) => s.setBranch);
  const [parentId, setParentId] = useState(ws.branch.id);
  const [name, setName] = useState("");
  const [at, setAt] = useState("");
  const [message, setMessage] = useState<{ kind: "error" | "success"; text: string } | null>(null);
  const [fork, { loading }] = useMutation(ForkBranchDocument);
  const parent = ws.branches.find((b) => b.id === parentId) ?? ws.branch;

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    try {
      const result = await fork({ variables: { input: { parentId: parent.id, name: name.trim(), at: at.trim() || null } } });
      const created = result.data?.forkBranch;
      ws.refetchWorkspace();
      setMessage({ kind: "success", text: `Branch "${created?.name}" forked from ${parent.name} at ${created?.forkTime}.` });
      ws.announce(`Branch ${created?.name} created.`);
      setName("");
      setAt("");
      if (created) setBranch(ws.campaign.id, created.id);
    } catch (err) {
      setMessage({ kind: "error", text: describeError(err).message });
    }
  };
  return (
    <Panel title="Fork a branch">
      <form onSubmit={onSubmit} className="flex flex-col gap-3" aria-label="Fork a branch">
        <Field label="Fork from">
          {(aria) => (
            <select className={inputClass} value={parent.id} onChange={(e) => setParentId(e.target.value)} {...aria}>
              {ws.branches.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <TextField label="New branch name" required value={name} onChange={(e) => setName(e.target.value)} />
        <TextField label="Fork at (world time)" placeholder="YYYY-MM-DD HH:MM" value={at} onChange={(e) => setAt(e.target.value)} hint={`Empty = ${parent.name}'s current time (${parent.worldTime}).`} />
        {message && <Status kind={message.kind}>{message.text}</Status>}
        <Button tone="primary" type="submit" disabled={loading || !name.trim()}>
          Fork branch
        </Button>
      </form>
    </Panel>
  );
}

function MergePanel() {
  const ws = useWorkspace();
  const sourceId = useId();
  const targetId = useId();
  const defaultSource = ws.branch.parentId ? ws.branch.id : ws.branches.find((b) => b.parentId)?.id ?? ws.branch.id;
  const [source, setSource] = useState(defaultSource);
  const sourceBranch = ws.branches.find((b) => b.id === source);
  const [target, setTarget] = useState<string>("");
  const targetBranchId = target || sourceBranch?.parentId || ws.campaign.mainBranch.id;
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const [message, setMessage] = useState<{ kind: "error" | "success"; text: string } | null>(null);
  const [loadPreview, preview] = useLazyQuery(MergePreviewDocument, { fetchPolicy: "network-only" });
  const [merge, mergeState] = useMutation(MergeBranchDocument);
  const data = preview.data?.mergePreview;
  const samePair = data && data.sourceBranchId === source && data.targetBranchId === targetBranchId;
  const conflicts = samePair ? data.conflicts : [];
  const changes = samePair ? data.changes.filter((c) => c.action !== "NONE" || c.changes.length) : [];
  const unresolved = conflicts.filter((c) => !choices[conflictKey(c)]).length;

  const onPreview = async () => {
    setMessage(null);
    setChoices({});
    try {
      await loadPreview({ variables: { sourceBranchId: source, targetBranchId } });
    } catch (e) {
      setMessage({ kind: "error", text: describeError(e).message });
    }
  };
  const onMerge = async () => {
    setMessage(null);
    const resolutions = resolutionsFor(conflicts, choices);
    try {
      const result = await merge({ variables: { input: { sourceBranchId: source, targetBranchId, resolutions } } });
      const written = result.data?.mergeBranch.written ?? 0;
      setMessage({ kind: "success", text: `Merged: ${written} ${written === 1 ? "entity" : "entities"} written to ${result.data?.mergeBranch.target.name}.` });
      ws.announce("Merge complete.");
      ws.refetchWorkspace();
      await preview.refetch();
    } catch (e) {
      setMessage({ kind: "error", text: describeError(e).message });
    }
  };

  return (
    <Panel title="Compare and merge" className="xl:col-span-2">
      <div className="flex flex-wrap items-end gap-3">
        <div className="flex flex-col gap-1">
          <label htmlFor={sourceId} className="text-xs text-slate-300">
            Merge branch (theirs)
          </label>
          <select id={sourceId} className={`${inputClass} w-48`} value={source} onChange={(e) => { setSource(e.target.value); setTarget(""); }}>
            {ws.branches.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={targetId} className="text-xs text-slate-300">
            into branch (ours)
          </label>
          <select id={targetId} className={`${inputClass} w-48`} value={targetBranchId} onChange={(e) => setTarget(e.target.value)}>
            {ws.branches
              .filter((b) => b.id !== source)
              .map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                </option>
              ))}
          </select>
        </div>
        <Button onClick={() => void onPreview()} disabled={preview.loading || source === targetBranchId}>
          Preview merge
        </Button>
      </div>
      {preview.loading && <Status>Comparing branches…</Status>}
      {samePair && (
        <div className="mt-4 flex flex-col gap-4" data-testid="merge-preview">
          <p className="text-sm text-slate-300" data-testid="merge-summary">
            {changes.length} changed {changes.length === 1 ? "entity" : "entities"}, {conflicts.length} {conflicts.length === 1 ? "conflict" : "conflicts"}.
          </p>
          {changes.length > 0 && (
            <ul className="flex flex-col gap-1 text-sm" aria-label="Changes that merge automatically">
              {changes.map((c) => (
                <li key={`${c.entityType}:${c.entityId}`}>
                  <span className="font-medium">{entityMeta(c.entityType)?.label ?? c.entityType}</span> <EntityName type={c.entityType} id={c.entityId} />: {c.action.toLowerCase()}{" "}
                  <span className="text-slate-400">{c.changes.map((f) => f.path.replace(/^\//, "")).join(", ")}</span>
                </li>
              ))}
            </ul>
          )}
          {conflicts.length > 0 && <ConflictTable conflicts={conflicts} choices={choices} onChoose={(key, side) => setChoices((s) => ({ ...s, [key]: side }))} />}
          <div className="flex items-center gap-3">
            <Button tone="primary" onClick={() => void onMerge()} disabled={mergeState.loading || unresolved > 0 || (!changes.length && !conflicts.length)}>
              Merge {sourceBranch?.name ?? ""} into {ws.branches.find((b) => b.id === targetBranchId)?.name ?? ""}
            </Button>
            {unresolved > 0 && <span className="text-sm text-amber-200">{unresolved} conflict(s) still need a choice.</span>}
          </div>
        </div>
      )}
      {message && <div className="mt-3"><Status kind={message.kind} testId="merge-status">{message.text}</Status></div>}
    </Panel>
  );
}
