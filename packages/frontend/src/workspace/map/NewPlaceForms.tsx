/** The forms that name what was just drawn: a location (point or region), or a settlement at a point. */
import { useMutation } from "@apollo/client/react";
import type { Geometry, Point } from "geojson";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import { describeError } from "../../apollo/errors.ts";
import { Button, inputClass, TextField } from "../../components/ui.tsx";
import { CreateLocationDocument, CreateSettlementDocument } from "../../gql/graphql.ts";
import { useWorkspace } from "../context.ts";

export type Pending = { kind: "POINT" | "REGION"; geometry: Geometry } | { kind: "SETTLEMENT"; geometry: Point };

interface Region {
  readonly id: string;
  readonly name: string | null;
}

function HiddenToggle({ hidden, onChange }: { hidden: boolean; onChange(hidden: boolean): void }) {
  const id = useId();
  return (
    <label htmlFor={id} className="flex items-center gap-2 text-sm">
      <input id={id} type="checkbox" className={`${inputClass} size-4 w-auto accent-violet-500`} checked={hidden} onChange={(e) => onChange(e.target.checked)} />
      Hidden from players
    </label>
  );
}

function FormShell({ label, testId, onSubmit, children }: { label: string; testId: string; onSubmit(e: FormEvent): void; children: ReactNode }) {
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-2 rounded border border-amber-700/60 bg-slate-950 p-3" aria-label={label} data-testid={testId}>
      {children}
    </form>
  );
}

export function NewLocationForm({ pending, onCancel, onCreated }: { pending: Extract<Pending, { kind: "POINT" | "REGION" }>; onCancel(): void; onCreated(id: string): void }) {
  const ws = useWorkspace();
  const [name, setName] = useState("");
  const [hidden, setHidden] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [create, { loading }] = useMutation(CreateLocationDocument);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) {
      setError("Give the location a name.");
      return;
    }
    setError(null);
    try {
      const result = await create({
        variables: { input: { campaignId: ws.campaign.id, branchId: ws.branch.id, name: name.trim(), kind: pending.kind, geometry: pending.geometry, hidden } },
      });
      ws.announce(`Location "${name.trim()}" created.`);
      if (result.data) onCreated(result.data.createLocation.id);
    } catch (err) {
      setError(describeError(err).message);
    }
  };
  return (
    <FormShell label="New location" testId="new-location-form" onSubmit={onSubmit}>
      <p className="text-sm">New {pending.kind === "POINT" ? "point" : "region"}</p>
      <TextField label="Location name" value={name} onChange={(e) => setName(e.target.value)} autoFocus required error={error} />
      <HiddenToggle hidden={hidden} onChange={setHidden} />
      <div className="flex gap-2">
        <Button tone="primary" type="submit" disabled={loading}>
          Save location
        </Button>
        <Button tone="ghost" onClick={onCancel}>
          Discard
        </Button>
      </div>
    </FormShell>
  );
}

/** Parses an optional whole number field: undefined when empty, an error message when not a number ≥ min. */
export function optionalInt(raw: string, label: string, min: number): { value: number | undefined } | { error: string } {
  if (!raw.trim()) return { value: undefined };
  const n = Number(raw);
  return Number.isInteger(n) && n >= min ? { value: n } : { error: `${label} must be a whole number of at least ${min}.` };
}

/**
 * A settlement at the clicked point: first its location (a point, inside the region it falls in), then
 * the settlement on that location. If the second step fails the location is kept and reused on retry.
 */
export function NewSettlementForm({ point, region, onCancel, onCreated }: { point: Point; region: Region | null; onCancel(): void; onCreated(id: string): void }) {
  const ws = useWorkspace();
  const [name, setName] = useState("");
  const [level, setLevel] = useState("1");
  const [population, setPopulation] = useState("");
  const [hidden, setHidden] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [locationId, setLocationId] = useState<string | null>(null);
  const [createLocation, location] = useMutation(CreateLocationDocument);
  const [createSettlement, settlement] = useMutation(CreateSettlementDocument);
  const scope = { campaignId: ws.campaign.id, branchId: ws.branch.id };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const levelValue = optionalInt(level, "Level", 1);
    const populationValue = optionalInt(population, "Population", 0);
    const problem = !name.trim() ? "Give the settlement a name." : "error" in levelValue ? levelValue.error : "error" in populationValue ? populationValue.error : null;
    if (problem || "error" in levelValue || "error" in populationValue) {
      setError(problem);
      return;
    }
    setError(null);
    try {
      let placeId = locationId;
      if (!placeId) {
        const created = await createLocation({
          variables: { input: { ...scope, name: name.trim(), kind: "POINT", geometry: point, parentId: region?.id ?? null, hidden } },
        });
        placeId = created.data?.createLocation.id ?? null;
        setLocationId(placeId);
      }
      if (!placeId) return;
      const result = await createSettlement({
        variables: { input: { ...scope, name: name.trim(), locationId: placeId, level: levelValue.value, population: populationValue.value, hidden } },
      });
      ws.announce(`Settlement "${name.trim()}" founded${region ? ` in ${region.name ?? "the region"}` : ""}.`);
      if (result.data) onCreated(result.data.createSettlement.id);
    } catch (err) {
      setError(describeError(err).message);
    }
  };

  return (
    <FormShell label="New settlement" testId="new-settlement-form" onSubmit={onSubmit}>
      <p className="text-sm" data-testid="settlement-region">
        New settlement {region ? <>in <strong>{region.name ?? "(unnamed region)"}</strong></> : "outside every region"}
      </p>
      <TextField label="Settlement name" value={name} onChange={(e) => setName(e.target.value)} autoFocus required error={error} />
      <div className="flex gap-2">
        <TextField label="Level" type="number" min={1} step={1} value={level} onChange={(e) => setLevel(e.target.value)} />
        <TextField label="Population" type="number" min={0} step={1} value={population} onChange={(e) => setPopulation(e.target.value)} />
      </div>
      <HiddenToggle hidden={hidden} onChange={setHidden} />
      <div className="flex gap-2">
        <Button tone="primary" type="submit" disabled={location.loading || settlement.loading}>
          Save settlement
        </Button>
        <Button tone="ghost" onClick={onCancel}>
          Discard
        </Button>
      </div>
    </FormShell>
  );
}
