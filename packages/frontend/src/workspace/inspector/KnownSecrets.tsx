/**
 * "Secrets you know": for players and viewers, the secrets of this entity revealed to them or to a party
 * they play in (the API's `secrets` list returns only those to them, without who else was told). Read-only;
 * nothing is shown when they know none. Game masters use the Secrets tab instead.
 */
import { useQuery } from "@apollo/client/react";
import { useId } from "react";
import { type EntityType, SecretsDocument } from "../../gql/graphql.ts";
import { useWorkspace } from "../context.ts";

export function KnownSecrets({ type, id }: { type: EntityType; id: string }) {
  const ws = useWorkspace();
  const titleId = useId();
  const { data } = useQuery(SecretsDocument, { variables: { campaignId: ws.campaign.id, branchId: ws.branch.id, asOf: ws.asOf } });
  const known = (data?.secrets ?? []).filter((s) => s.ownerType === type && s.ownerId === id && s.text);
  if (!known.length) return null;
  return (
    <section aria-labelledby={titleId} className="flex flex-col gap-2 rounded border border-amber-900/60 bg-amber-950/20 p-2 text-sm" data-testid="known-secrets">
      <h3 id={titleId} className="text-xs font-semibold text-amber-200">
        Secrets you know
      </h3>
      <ul className="flex flex-col gap-1">
        {known.map((s) => (
          <li key={s.id} className="whitespace-pre-wrap" data-testid="known-secret">
            {s.text}
          </li>
        ))}
      </ul>
    </section>
  );
}
