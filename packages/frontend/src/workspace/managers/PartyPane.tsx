/**
 * Party manager: each party with its characters, the characters without a party; game masters create a
 * party, add (or move) a character to a party and take one out. Every update carries the version it saw.
 */
import { useMutation, useQuery } from "@apollo/client/react";
import { type FormEvent, useId, useState } from "react";
import { describeError } from "../../apollo/errors.ts";
import { Button, inputClass, Panel, Status } from "../../components/ui.tsx";
import { CreatePartyDocument, type ManagedPartyQuery, ManagedPartyDocument, UpdateCharacterDocument, UpdatePartyDocument } from "../../gql/graphql.ts";
import { scope, useWorkspace } from "../context.ts";
import { byName, groupUnder } from "./grouping.ts";
import { EntityButton, LevelEditor, useWriter, type Writer, WriteError } from "./shared.tsx";

type Party = ManagedPartyQuery["parties"][number];
type Character = ManagedPartyQuery["characters"][number];

export function PartyPane() {
  const ws = useWorkspace();
  const canWrite = ws.isGm && ws.asOf === null;
  const { data, loading, error, refetch } = useQuery(ManagedPartyDocument, { variables: scope(ws) });
  const writer = useWriter(refetch);
  const parties = [...(data?.parties ?? [])].sort(byName);
  const characters = data?.characters ?? [];
  const members = groupUnder(characters, (c) => c.partyId, parties);
  const [updateCharacter] = useMutation(UpdateCharacterDocument);
  const [updateParty] = useMutation(UpdatePartyDocument);

  const moveTo = (character: Character, party: Party | null) =>
    writer.run(
      () => updateCharacter({ variables: { id: character.id, branchId: ws.branch.id, input: { partyId: party?.id ?? null, expectedVersion: character.version } } }),
      party ? `${character.name ?? "Character"} joined ${party.name ?? "the party"}.` : `${character.name ?? "Character"} left the party.`,
    );
  const setLevel = (party: Party, level: number) =>
    writer.run(() => updateParty({ variables: { id: party.id, branchId: ws.branch.id, input: { levelOverride: level, expectedVersion: party.version } } }), `${party.name ?? "Party"} level override set.`);

  return (
    <Panel title="Party and characters" className="flex flex-col">
      <div className="flex flex-col gap-3 text-sm" data-testid="party-manager">
        {loading && !data && <Status>Loading parties…</Status>}
        {error && <Status kind="error">{describeError(error).message}</Status>}
        <WriteError error={writer.error} />
        {data && parties.length === 0 && <p className="text-slate-500">No parties yet.</p>}
        {parties.map((party) => (
          <PartyCard
            key={party.id}
            party={party}
            members={members.get(party.id) ?? []}
            others={characters.filter((c) => c.partyId !== party.id).sort(byName)}
            partyName={(id) => parties.find((p) => p.id === id)?.name ?? null}
            canWrite={canWrite}
            writer={writer}
            onAdd={(c) => moveTo(c, party)}
            onRemove={(c) => moveTo(c, null)}
            onLevel={(level) => setLevel(party, level)}
          />
        ))}
        {(members.get(null)?.length ?? 0) > 0 && (
          <section aria-label="Characters without a party" className="flex flex-col gap-1" data-testid="unassigned-characters">
            <h3 className="text-xs font-semibold text-slate-400">Without a party</h3>
            <ul className="flex flex-col gap-1">
              {members.get(null)!.map((c) => (
                <li key={c.id} className="flex items-center gap-2">
                  <EntityButton type="CHARACTER" id={c.id} name={c.name} />
                  <span className="text-xs text-slate-500">level {c.level ?? "—"}</span>
                </li>
              ))}
            </ul>
          </section>
        )}
        {canWrite && <NewPartyForm writer={writer} />}
      </div>
    </Panel>
  );
}

interface PartyCardProps {
  readonly party: Party;
  readonly members: readonly Character[];
  readonly others: readonly Character[];
  partyName(id: string): string | null;
  readonly canWrite: boolean;
  readonly writer: Writer;
  onAdd(character: Character): Promise<boolean>;
  onRemove(character: Character): Promise<boolean>;
  onLevel(level: number): Promise<boolean>;
}

function PartyCard({ party, members, others, partyName, canWrite, writer, onAdd, onRemove, onLevel }: PartyCardProps) {
  const name = party.name ?? "(unnamed)";
  const selectId = useId();
  const [chosen, setChosen] = useState("");
  const candidate = others.find((c) => c.id === chosen) ?? null;

  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (candidate && (await onAdd(candidate))) setChosen("");
  };

  return (
    <section aria-label={`Party ${name}`} className="flex flex-col gap-2 rounded border border-slate-800 p-2" data-testid="party-card">
      <div className="flex flex-wrap items-center gap-2">
        <EntityButton type="PARTY" id={party.id} name={party.name} />
        <span className="text-xs text-slate-500">
          {members.length} {members.length === 1 ? "member" : "members"}
        </span>
        <span className="flex-1" />
        <LevelEditor key={party.version} type="PARTY" name={name} label="level override" level={party.levelOverride} canWrite={canWrite} onSave={onLevel} />
      </div>
      <ul className="flex flex-col gap-1" aria-label={`Members of ${name}`}>
        {members.map((c) => (
          <li key={c.id} className="flex items-center gap-2" data-testid="party-member">
            <EntityButton type="CHARACTER" id={c.id} name={c.name} />
            <span className="text-xs text-slate-500">
              level {c.level ?? "—"}
              {c.isNpc ? ", NPC" : ""}
            </span>
            <span className="flex-1" />
            {canWrite && (
              <Button tone="ghost" className="px-2 py-0.5 text-xs" disabled={writer.busy} onClick={() => void onRemove(c)} aria-label={`Remove ${c.name ?? "character"} from ${name}`}>
                Remove
              </Button>
            )}
          </li>
        ))}
        {members.length === 0 && <li className="text-xs text-slate-500">No characters in this party.</li>}
      </ul>
      {canWrite && others.length > 0 && (
        <form onSubmit={add} noValidate aria-label={`Add a character to ${name}`} className="flex items-end gap-2">
          <div className="flex flex-1 flex-col gap-1">
            <label htmlFor={selectId} className="text-xs text-slate-400">
              Character to add to {name}
            </label>
            <select id={selectId} className={inputClass} value={chosen} onChange={(e) => setChosen(e.target.value)}>
              <option value="">Choose a character…</option>
              {others.map((c) => {
                const current = c.partyId ? partyName(c.partyId) : null;
                return (
                  <option key={c.id} value={c.id}>
                    {c.name ?? c.id}
                    {current ? ` (now in ${current})` : ""}
                  </option>
                );
              })}
            </select>
          </div>
          <Button type="submit" disabled={!candidate || writer.busy}>
            {candidate?.partyId ? "Move here" : "Add to party"}
          </Button>
        </form>
      )}
    </section>
  );
}

function NewPartyForm({ writer }: { writer: Writer }) {
  const ws = useWorkspace();
  const [name, setName] = useState("");
  const [create] = useMutation(CreatePartyDocument);
  const nameId = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    const ok = await writer.run(() => create({ variables: { input: { campaignId: ws.campaign.id, branchId: ws.branch.id, name: trimmed } } }), `Party ${trimmed} created.`);
    if (ok) setName("");
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Create a party" className="flex items-end gap-2 border-t border-slate-800 pt-3">
      <div className="flex flex-1 flex-col gap-1">
        <label htmlFor={nameId} className="text-xs text-slate-400">
          New party name
        </label>
        <input id={nameId} className={inputClass} value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
      </div>
      <Button tone="primary" type="submit" disabled={!name.trim() || writer.busy}>
        Create party
      </Button>
    </form>
  );
}
