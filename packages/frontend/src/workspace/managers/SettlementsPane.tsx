/**
 * Settlement manager: each settlement (with its level) and its structures (type, level, condition);
 * game masters add a structure to a settlement and change settlement and structure levels.
 */
import { useMutation, useQuery } from "@apollo/client/react";
import { type FormEvent, useId, useState } from "react";
import { describeError } from "../../apollo/errors.ts";
import { Button, inputClass, Panel, Status } from "../../components/ui.tsx";
import { CreateStructureDocument, type ManagedSettlementsQuery, ManagedSettlementsDocument, UpdateSettlementDocument, UpdateStructureDocument } from "../../gql/graphql.ts";
import { entityMeta } from "../../lib/entities.ts";
import { scope, useWorkspace } from "../context.ts";
import { byName, groupUnder, levelRange, parseLevel } from "./grouping.ts";
import { EntityButton, LevelEditor, useWriter, type Writer, WriteError } from "./shared.tsx";

type Settlement = ManagedSettlementsQuery["settlements"][number];
type Structure = ManagedSettlementsQuery["structures"][number];

const STRUCTURE_TYPES = entityMeta("STRUCTURE")?.fields.find((f) => f.key === "type")?.suggestions ?? [];

export function SettlementsPane() {
  const ws = useWorkspace();
  const canWrite = ws.isGm && ws.asOf === null;
  const { data, loading, error, refetch } = useQuery(ManagedSettlementsDocument, { variables: scope(ws) });
  const writer = useWriter(refetch);
  const settlements = [...(data?.settlements ?? [])].sort(byName);
  const groups = groupUnder(data?.structures ?? [], (s) => s.settlementId, settlements);
  const [updateSettlement] = useMutation(UpdateSettlementDocument);
  const [updateStructure] = useMutation(UpdateStructureDocument);

  const setSettlementLevel = (s: Settlement, level: number) =>
    writer.run(() => updateSettlement({ variables: { id: s.id, branchId: ws.branch.id, input: { level, expectedVersion: s.version } } }), `${s.name ?? "Settlement"} level set.`);
  const setStructureLevel = (s: Structure, level: number) =>
    writer.run(() => updateStructure({ variables: { id: s.id, branchId: ws.branch.id, input: { level, expectedVersion: s.version } } }), `${s.name ?? "Structure"} level set.`);

  return (
    <Panel title="Settlements and structures" className="flex flex-col">
      <div className="flex flex-col gap-3 text-sm" data-testid="settlement-manager">
        {loading && !data && <Status>Loading settlements…</Status>}
        {error && <Status kind="error">{describeError(error).message}</Status>}
        <WriteError error={writer.error} />
        {data && settlements.length === 0 && <p className="text-slate-500">No settlements yet: create one in Entities or on the map.</p>}
        {settlements.map((s) => {
          const name = s.name ?? "(unnamed)";
          const structures = groups.get(s.id) ?? [];
          return (
            <section key={s.id} aria-label={`Settlement ${name}`} className="flex flex-col gap-2 rounded border border-slate-800 p-2" data-testid="settlement-card">
              <div className="flex flex-wrap items-center gap-2">
                <EntityButton type="SETTLEMENT" id={s.id} name={s.name} />
                <span className="text-xs text-slate-500">population {s.population ?? "—"}</span>
                <span className="flex-1" />
                <LevelEditor key={s.version} type="SETTLEMENT" name={name} level={s.level} canWrite={canWrite} onSave={(level) => setSettlementLevel(s, level)} />
              </div>
              <ul className="flex flex-col gap-1" aria-label={`Structures of ${name}`}>
                {structures.map((st) => (
                  <li key={st.id} className="flex flex-wrap items-center gap-2 pl-3" data-testid="structure-item">
                    <EntityButton type="STRUCTURE" id={st.id} name={st.name} />
                    <span className="text-xs text-slate-500">
                      {st.type ?? "structure"}
                      {st.condition != null ? `, condition ${st.condition}` : ""}
                      {st.operational === false ? ", not operational" : ""}
                    </span>
                    <span className="flex-1" />
                    <LevelEditor key={st.version} type="STRUCTURE" name={st.name ?? "structure"} level={st.level} canWrite={canWrite} onSave={(level) => setStructureLevel(st, level)} />
                  </li>
                ))}
                {structures.length === 0 && <li className="pl-3 text-xs text-slate-500">No structures.</li>}
              </ul>
              {canWrite && <NewStructureForm settlement={s} writer={writer} />}
            </section>
          );
        })}
      </div>
    </Panel>
  );
}

function NewStructureForm({ settlement, writer }: { settlement: Settlement; writer: Writer }) {
  const ws = useWorkspace();
  const id = useId();
  const settlementName = settlement.name ?? "settlement";
  const range = levelRange("STRUCTURE");
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [type, setType] = useState("");
  const [level, setLevel] = useState("1");
  const [error, setError] = useState<string | null>(null);
  const [create] = useMutation(CreateStructureDocument);

  if (!open) {
    return (
      <Button className="self-start px-2 py-0.5 text-xs" onClick={() => setOpen(true)} aria-label={`Add structure to ${settlementName}`}>
        Add structure
      </Button>
    );
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseLevel(level, range);
    if (!name.trim()) return setError("Name the structure.");
    if ("error" in parsed) return setError(parsed.error);
    setError(null);
    const input = { campaignId: ws.campaign.id, branchId: ws.branch.id, settlementId: settlement.id, name: name.trim(), type: type.trim() || null, level: parsed.level };
    if (await writer.run(() => create({ variables: { input } }), `${input.name} added to ${settlementName}.`)) {
      setName("");
      setType("");
      setLevel("1");
      setOpen(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-label={`New structure in ${settlementName}`} className="grid grid-cols-[1fr_1fr_4rem] items-end gap-2 rounded bg-slate-950/40 p-2">
      <div className="flex flex-col gap-1">
        <label htmlFor={`${id}-name`} className="text-xs text-slate-400">
          Structure name
        </label>
        <input id={`${id}-name`} className={inputClass} value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor={`${id}-type`} className="text-xs text-slate-400">
          Structure type
        </label>
        <input id={`${id}-type`} className={inputClass} list={`${id}-types`} value={type} onChange={(e) => setType(e.target.value)} />
        <datalist id={`${id}-types`}>
          {STRUCTURE_TYPES.map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor={`${id}-level`} className="text-xs text-slate-400">
          Level
        </label>
        <input id={`${id}-level`} className={inputClass} type="number" min={range.min} max={range.max} value={level} onChange={(e) => setLevel(e.target.value)} />
      </div>
      <div className="col-span-3 flex flex-wrap items-center gap-2">
        <Button tone="primary" type="submit" disabled={writer.busy}>
          Add structure
        </Button>
        <Button tone="ghost" onClick={() => setOpen(false)}>
          Cancel
        </Button>
        {error && (
          <span role="alert" className="text-xs text-rose-300">
            {error}
          </span>
        )}
      </div>
    </form>
  );
}
