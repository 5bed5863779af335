import { useQuery } from "@apollo/client/react";
import type { EntityType } from "../gql/graphql.ts";
import { type EntityRow, entityMeta, shortId } from "../lib/entities.ts";
import { scope, useWorkspace } from "./context.ts";

/** The name of an entity on the current branch (from the cached list of its type), else a short id. */
export function EntityName({ type, id }: { type: EntityType; id: string }) {
  const ws = useWorkspace();
  const meta = entityMeta(type);
  const { data } = useQuery(meta?.list ?? DUMMY, { variables: { ...scope(ws), includeDeleted: true }, skip: !meta, fetchPolicy: "cache-first" });
  const rows = ((data as Record<string, unknown> | undefined)?.[meta?.key ?? ""] ?? []) as EntityRow[];
  const name = rows.find((r) => r.id === id)?.name;
  return <span title={id}>{name ?? shortId(id)}</span>;
}

const DUMMY = entityMeta("PARTY")!.list;
