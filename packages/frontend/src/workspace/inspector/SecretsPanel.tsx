/**
 * Secrets of an entity (game masters only): GM text, and to whom it is revealed (parties or players,
 * by id in `revealedTo`). Create, edit, reveal; every update carries the version it started from.
 */
import { useMutation, useQuery } from "@apollo/client/react";
import { type FormEvent, useState } from "react";
import { describeError } from "../../apollo/errors.ts";
import { Button, Field, inputClass, Status } from "../../components/ui.tsx";
import { CreateSecretDocument, type EntityType, MembersDocument, PartySummaryDocument, type SecretFieldsFragment, SecretsDocument, UpdateSecretDocument } from "../../gql/graphql.ts";
import { useWorkspace } from "../context.ts";

interface Audience {
  readonly id: string;
  readonly label: string;
}

function useAudience(): Audience[] {
  const ws = useWorkspace();
  const members = useQuery(MembersDocument, { variables: { campaignId: ws.campaign.id } });
  const parties = useQuery(PartySummaryDocument, { variables: { campaignId: ws.campaign.id, branchId: ws.branch.id, asOf: ws.asOf } });
  return [
    ...(parties.data?.parties ?? []).map((p) => ({ id: p.id, label: `Party: ${p.name ?? p.id}` })),
    ...(members.data?.members ?? []).filter((m) => m.role === "PLAYER" || m.role === "VIEWER").map((m) => ({ id: m.userId, label: `Player: ${m.name || m.email}` })),
  ];
}

function revealed(secret: SecretFieldsFragment): string[] {
  return Array.isArray(secret.revealedTo) ? secret.revealedTo.filter((x): x is string => typeof x === "string") : [];
}

export function SecretsPanel({ type, id }: { type: EntityType; id: string }) {
  const ws = useWorkspace();
  const canWrite = ws.isGm && ws.asOf === null;
  const { data, loading, error } = useQuery(SecretsDocument, { variables: { campaignId: ws.campaign.id, branchId: ws.branch.id, asOf: ws.asOf } });
  const secrets = (data?.secrets ?? []).filter((s) => s.ownerType === type && s.ownerId === id);
  const audience = useAudience();
  const [text, setText] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const [create, { loading: creating }] = useMutation(CreateSecretDocument, { refetchQueries: [SecretsDocument] });

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    try {
      await create({ variables: { input: { campaignId: ws.campaign.id, branchId: ws.branch.id, ownerType: type, ownerId: id, text: text.trim(), revealedTo: [] } } });
      setText("");
      ws.announce("Secret added.");
    } catch (err) {
      setMessage(describeError(err).message);
    }
  };

  return (
    <div className="flex flex-col gap-3 text-sm" data-testid="secrets-panel">
      <p className="text-xs text-slate-400">Only game masters see secrets until you reveal them.</p>
      {loading && !data && <Status>Loading secrets…</Status>}
      {error && <Status kind="error">{describeError(error).message}</Status>}
      {data && secrets.length === 0 && <p className="text-slate-500">No secrets.</p>}
      <ul className="flex flex-col gap-2">
        {secrets.map((s, i) => (
          <SecretItem key={`${s.id}:${s.version}`} secret={s} index={i + 1} audience={audience} canWrite={canWrite} />
        ))}
      </ul>
      {canWrite && (
        <form onSubmit={add} noValidate aria-label="Add a secret" className="flex flex-col gap-2">
          <Field label="New secret">
            {(aria) => <textarea className={inputClass} rows={2} value={text} onChange={(e) => setText(e.target.value)} {...aria} />}
          </Field>
          <Button tone="primary" type="submit" className="self-start" disabled={creating || !text.trim()}>
            Add secret
          </Button>
          {message && <Status kind="error">{message}</Status>}
        </form>
      )}
    </div>
  );
}

function SecretItem({ secret, index, audience, canWrite }: { secret: SecretFieldsFragment; index: number; audience: readonly Audience[]; canWrite: boolean }) {
  const ws = useWorkspace();
  const [text, setText] = useState(secret.text ?? "");
  const [to, setTo] = useState<string[]>(revealed(secret));
  const [message, setMessage] = useState<{ kind: "error" | "success"; text: string } | null>(null);
  const [update, { loading }] = useMutation(UpdateSecretDocument, { refetchQueries: [SecretsDocument] });
  const dirty = text !== (secret.text ?? "") || JSON.stringify([...to].sort()) !== JSON.stringify(revealed(secret).sort());
  const known = new Set(audience.map((a) => a.id));
  const others = revealed(secret).filter((r) => !known.has(r));

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    try {
      await update({ variables: { id: secret.id, branchId: ws.branch.id, input: { text, revealedTo: to, expectedVersion: secret.version } } });
      ws.announce("Secret saved.");
    } catch (err) {
      setMessage({ kind: "error", text: describeError(err).message });
    }
  };

  return (
    <li className="rounded border border-amber-900/60 bg-amber-950/20 p-2" data-testid="secret-item">
      <form onSubmit={save} noValidate aria-label={`Edit secret ${index}`} className="flex flex-col gap-2">
        <Field label={`Secret ${index}`}>
          {(aria) => <textarea className={inputClass} rows={2} value={text} readOnly={!canWrite} onChange={(e) => setText(e.target.value)} {...aria} />}
        </Field>
        <fieldset className="flex flex-col gap-1" disabled={!canWrite}>
          <legend className="text-xs text-slate-400">Revealed to {to.length === 0 && "(nobody yet)"}</legend>
          {audience.map((a) => (
            <label key={a.id} className="flex items-center gap-2 text-xs">
              <input
                type="checkbox"
                className="size-3.5 accent-violet-500"
                checked={to.includes(a.id)}
                onChange={(e) => setTo((t) => (e.target.checked ? [...t, a.id] : t.filter((x) => x !== a.id)))}
              />
              {a.label}
            </label>
          ))}
          {others.length > 0 && <p className="text-xs text-slate-500">and {others.length} other(s)</p>}
          {audience.length === 0 && <p className="text-xs text-slate-500">No parties or players to reveal it to yet.</p>}
        </fieldset>
        {canWrite && (
          <Button type="submit" className="self-start" disabled={!dirty || loading}>
            Save secret
          </Button>
        )}
        {message && <Status kind={message.kind}>{message.text}</Status>}
      </form>
    </li>
  );
}
