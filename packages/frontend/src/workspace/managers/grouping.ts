/** Pure helpers of the managers: children grouped under their parent, levels within the API's ranges. */
import type { EntityType } from "../../gql/graphql.ts";
import { entityMeta } from "../../lib/entities.ts";

export interface Named {
  readonly id: string;
  readonly name?: string | null;
}

export function byName<T extends Named>(a: T, b: T): number {
  return (a.name ?? "").localeCompare(b.name ?? "") || a.id.localeCompare(b.id);
}

/**
 * Children under their parent's id, each list sorted by name. A child whose parent is unset or not in
 * `parents` (deleted, hidden from this user, other branch) is listed under `null`: "without a …".
 */
export function groupUnder<T extends Named>(children: readonly T[], parentOf: (child: T) => string | null | undefined, parents: readonly Named[]): Map<string | null, T[]> {
  const known = new Set(parents.map((p) => p.id));
  const groups = new Map<string | null, T[]>();
  for (const child of children) {
    const parent = parentOf(child);
    const key = parent && known.has(parent) ? parent : null;
    groups.set(key, [...(groups.get(key) ?? []), child]);
  }
  for (const list of groups.values()) list.sort(byName);
  return groups;
}

/** The level range of a type (from the entity table: party override and character 1–20, kingdom and settlement 1–10, structure 1–5). */
export function levelRange(type: EntityType): { min: number; max: number } {
  const field = entityMeta(type)?.fields.find((f) => f.key === "level" || f.key === "levelOverride");
  return { min: field?.min ?? 1, max: field?.max ?? 20 };
}

/** A level typed by the user, or an explanation of why it is not one. */
export function parseLevel(text: string, range: { min: number; max: number }): { level: number } | { error: string } {
  const level = Number(text.trim());
  if (!text.trim() || !Number.isInteger(level) || level < range.min || level > range.max) {
    return { error: `Level must be a whole number from ${range.min} to ${range.max}.` };
  }
  return { level };
}
