/**
 * Links of an entity (SPEC §9): outgoing and incoming, with their kind and the other end (which opens in
 * the inspector, the shared selection). Game masters link it to any other entity and unlink; a removal
 * carries the version it saw.
 */
import { useMutation, useQuery } from "@apollo/client/react";
import { type FormEvent, useMemo, useState } from "react";
import { describeError } from "../../apollo/errors.ts";
import { Button, Field, inputClass, Status } from "../../components/ui.tsx";
import {
  AddEntityLinkDocument,
  type EntityLinkFieldsFragment,
  EntityLinksDocument,
  type EntityType,
  type LinkKind,
  RemoveEntityLinkDocument,
} from "../../gql/graphql.ts";
import { ENTITY_TYPES, type EntityRow, entityMeta } from "../../lib/entities.ts";
import { useUi } from "../../store/ui.ts";
import { scope, useWorkspace } from "../context.ts";
import { EntityName } from "../EntityName.tsx";

export const LINK_KINDS: readonly LinkKind[] = ["RELATED", "PREREQUISITE", "BLOCKS", "TRIGGERS"];

const KIND_LABELS: Record<LinkKind, string> = {
  RELATED: "related to",
  PREREQUISITE: "prerequisite of",
  BLOCKS: "blocks",
  TRIGGERS: "triggers",
};

export interface EntityLink {
  readonly link: EntityLinkFieldsFragment;
  /** "out": this entity is the source; "in": it is the target. */
  readonly direction: "out" | "in";
  readonly otherType: EntityType;
  readonly otherId: string;
}

/** The links whose source or target is (type, id), outgoing first. A link to itself is refused by the API. */
export function linksOf(links: readonly EntityLinkFieldsFragment[], id: string): EntityLink[] {
  const out: EntityLink[] = [];
  const incoming: EntityLink[] = [];
  for (const link of links) {
    if (link.sourceId === id && link.targetType && link.targetId) out.push({ link, direction: "out", otherType: link.targetType, otherId: link.targetId });
    else if (link.targetId === id && link.sourceType && link.sourceId) incoming.push({ link, direction: "in", otherType: link.sourceType, otherId: link.sourceId });
  }
  return [...out, ...incoming];
}

/** "blocks → Harvest fair" / "← blocked by"-style wording, from this entity's side. */
export function describeLink(kind: LinkKind | null | undefined, direction: "out" | "in"): string {
  const label = KIND_LABELS[kind ?? "RELATED"];
  if (direction === "out") return label;
  switch (kind) {
    case "PREREQUISITE":
      return "requires";
    case "BLOCKS":
      return "blocked by";
    case "TRIGGERS":
      return "triggered by";
    default:
      return "related to";
  }
}

export function LinksPanel({ type, id }: { type: EntityType; id: string }) {
  const ws = useWorkspace();
  const select = useUi((s) => s.select);
  const canWrite = ws.isGm && ws.asOf === null;
  const { data, loading, error } = useQuery(EntityLinksDocument, { variables: { ...scope(ws), entityId: id } });
  // a link from the entity to itself comes in both lists: once is enough
  const links = useMemo(
    () => linksOf([...new Map([...(data?.outgoing ?? []), ...(data?.incoming ?? [])].map((l) => [l.id, l])).values()], id),
    [data, id],
  );
  const [message, setMessage] = useState<string | null>(null);
  const [remove, removeState] = useMutation(RemoveEntityLinkDocument, { refetchQueries: [EntityLinksDocument] });

  const unlink = async (link: EntityLinkFieldsFragment) => {
    setMessage(null);
    try {
      await remove({ variables: { id: link.id, branchId: ws.branch.id, expectedVersion: link.version } });
      ws.announce("Link removed.");
    } catch (e) {
      setMessage(describeError(e).message);
    }
  };

  return (
    <div className="flex flex-col gap-3 text-sm" data-testid="links-panel">
      {loading && !data && <Status>Loading links…</Status>}
      {error && <Status kind="error">{describeError(error).message}</Status>}
      {data && links.length === 0 && <p className="text-slate-500">No links.</p>}
      <ul className="flex flex-col gap-1" aria-label="Links">
        {links.map(({ link, direction, otherType, otherId }, index) => {
          const typeLabel = entityMeta(otherType)?.label ?? otherType;
          return (
            <li key={link.id} className="flex flex-wrap items-center gap-2 rounded border border-slate-800 px-2 py-1.5" data-testid="link-item" data-direction={direction}>
              <span aria-hidden="true" className="text-slate-500">
                {direction === "out" ? "→" : "←"}
              </span>
              <span className="text-slate-400">{describeLink(link.kind, direction)}</span>
              <button
                type="button"
                className="text-violet-300 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-violet-400"
                onClick={() => select({ type: otherType, id: otherId })}
                aria-label={`Open ${typeLabel.toLowerCase()} in the inspector`}
                data-testid="link-other"
              >
                <EntityName type={otherType} id={otherId} />
              </button>
              <span className="text-xs text-slate-500">{typeLabel}</span>
              {link.description && <span className="w-full text-xs text-slate-400">{link.description}</span>}
              {canWrite && (
                <Button tone="danger" className="ml-auto px-2 py-0.5 text-xs" disabled={removeState.loading} onClick={() => void unlink(link)} aria-label={`Unlink (link ${index + 1}, ${describeLink(link.kind, direction)})`}>
                  Unlink
                </Button>
              )}
            </li>
          );
        })}
      </ul>
      {message && <Status kind="error">{message}</Status>}
      {canWrite && <NewLinkForm type={type} id={id} />}
    </div>
  );
}

function useEntityOptions(type: EntityType, exclude: string): EntityRow[] {
  const ws = useWorkspace();
  const meta = entityMeta(type) ?? ENTITY_TYPES[0]!;
  const { data } = useQuery(meta.list, { variables: scope(ws) });
  const rows = ((data as Record<string, unknown> | undefined)?.[meta.key] ?? []) as EntityRow[];
  return rows.filter((r) => r.id !== exclude && !r.deleted).sort((a, b) => (a.name ?? "").localeCompare(b.name ?? ""));
}

function NewLinkForm({ type, id }: { type: EntityType; id: string }) {
  const ws = useWorkspace();
  const [direction, setDirection] = useState<"out" | "in">("out");
  const [kind, setKind] = useState<LinkKind>("RELATED");
  const [otherType, setOtherType] = useState<EntityType>(type);
  const [otherId, setOtherId] = useState("");
  const [description, setDescription] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const options = useEntityOptions(otherType, id);
  const [create, { loading }] = useMutation(AddEntityLinkDocument, { refetchQueries: [EntityLinksDocument] });
  const chosen = options.some((o) => o.id === otherId) ? otherId : "";

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!chosen) return;
    setMessage(null);
    const self = { type, id };
    const other = { type: otherType, id: chosen };
    const [source, target] = direction === "out" ? [self, other] : [other, self];
    try {
      await create({
        variables: {
          input: {
            campaignId: ws.campaign.id,
            branchId: ws.branch.id,
            sourceType: source.type,
            sourceId: source.id,
            targetType: target.type,
            targetId: target.id,
            kind,
            description: description.trim() || null,
          },
        },
      });
      setOtherId("");
      setDescription("");
      ws.announce("Link added.");
    } catch (err) {
      setMessage(describeError(err).message);
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Add a link" className="flex flex-col gap-2 rounded border border-slate-800 p-2" data-testid="new-link-form">
      <div className="grid grid-cols-2 gap-2">
        <Field label="Direction">
          {(aria) => (
            <select className={inputClass} value={direction} onChange={(e) => setDirection(e.target.value as "out" | "in")} {...aria}>
              <option value="out">from this one</option>
              <option value="in">to this one</option>
            </select>
          )}
        </Field>
        <Field label="Link kind">
          {(aria) => (
            <select className={inputClass} value={kind} onChange={(e) => setKind(e.target.value as LinkKind)} {...aria}>
              {LINK_KINDS.map((k) => (
                <option key={k} value={k}>
                  {k.charAt(0) + k.slice(1).toLowerCase()}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Other end type">
          {(aria) => (
            <select
              className={inputClass}
              value={otherType}
              onChange={(e) => {
                setOtherType(e.target.value as EntityType);
                setOtherId("");
              }}
              {...aria}
            >
              {ENTITY_TYPES.map((m) => (
                <option key={m.type} value={m.type}>
                  {m.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Other end">
          {(aria) => (
            <select className={inputClass} value={chosen} onChange={(e) => setOtherId(e.target.value)} {...aria}>
              <option value="">Choose…</option>
              {options.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name || o.id}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field label="Link description">
        {(aria) => <input className={inputClass} value={description} onChange={(e) => setDescription(e.target.value)} {...aria} />}
      </Field>
      <Button tone="primary" type="submit" className="self-start" disabled={loading || !chosen}>
        Add link
      </Button>
      {message && <Status kind="error">{message}</Status>}
    </form>
  );
}
