/** Pure helpers of the cherry-pick panel: what a version changed, and the conflicts the API reports. */
import type { EntityType } from "../gql/graphql.ts";
import type { ConflictLike } from "./ConflictTable.tsx";

/** Top-level fields whose values differ between two versions' data (all of them for the first version). */
export function changedFields(before: unknown, after: unknown): string[] {
  const a = (before && typeof before === "object" ? before : {}) as Record<string, unknown>;
  const b = (after && typeof after === "object" ? after : {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
}

const isText = (v: unknown): v is string => typeof v === "string";

/**
 * `cherryPick` without resolutions for a conflicting change fails with VALIDATION_FAILED and the
 * conflicts in `details.unresolved`; null when the details hold none.
 */
export function conflictsFrom(details: Readonly<Record<string, unknown>>): ConflictLike[] | null {
  const raw = details.unresolved;
  if (!Array.isArray(raw)) return null;
  const conflicts = raw
    .filter((c): c is Record<string, unknown> => !!c && typeof c === "object")
    .filter((c) => isText(c.entityType) && isText(c.entityId) && isText(c.path))
    .map((c) => ({ entityType: c.entityType as EntityType, entityId: c.entityId as string, path: c.path as string, base: c.base, ours: c.ours, theirs: c.theirs }));
  return conflicts.length ? conflicts : null;
}

interface VersionLike {
  readonly version: number;
  readonly branchId: string;
}

/**
 * The version a picked one changed: the branch's own previous version, else the latest inherited one
 * before it (`versions` ordered by version number, as `entityHistory` returns them).
 */
export function previousVersion<V extends VersionLike>(versions: readonly V[], picked: V): V | undefined {
  const earlier = versions.filter((v) => v.version < picked.version);
  return earlier.filter((v) => v.branchId === picked.branchId).at(-1) ?? earlier.at(-1);
}
