/** Conflicts of a merge or a cherry-pick: one row per field, pick base, ours or theirs to keep. */
import type { EntityType } from "../gql/graphql.ts";
import { entityMeta } from "../lib/entities.ts";
import { EntityName } from "./EntityName.tsx";

export interface ConflictLike {
  readonly entityType: EntityType;
  readonly entityId: string;
  readonly path: string;
  readonly base?: unknown;
  readonly ours?: unknown;
  readonly theirs?: unknown;
}

export type Choice = "ours" | "theirs" | "base";

export const conflictKey = (c: ConflictLike) => `${c.entityType}:${c.entityId}:${c.path}`;

export function show(value: unknown): string {
  return value === undefined ? "(absent)" : JSON.stringify(value);
}

/** The API's `resolutions` for the chosen sides (every conflict must have a choice). */
export function resolutionsFor(conflicts: readonly ConflictLike[], choices: Readonly<Record<string, Choice>>) {
  return conflicts.map((c) => ({ entityType: c.entityType, entityId: c.entityId, path: c.path, value: c[choices[conflictKey(c)]!] }));
}

export function ConflictTable({
  conflicts,
  choices,
  onChoose,
}: {
  conflicts: readonly ConflictLike[];
  choices: Readonly<Record<string, Choice>>;
  onChoose(key: string, side: Choice): void;
}) {
  return (
    <table className="w-full text-left text-sm" data-testid="conflict-table">
      <caption className="mb-2 text-left font-medium">Conflicts: choose the value to keep for each</caption>
      <thead className="text-xs uppercase text-slate-400">
        <tr>
          <th scope="col" className="py-1">Entity</th>
          <th scope="col" className="py-1">Field</th>
          <th scope="col" className="py-1">Base</th>
          <th scope="col" className="py-1">Ours (target)</th>
          <th scope="col" className="py-1">Theirs (source)</th>
        </tr>
      </thead>
      <tbody>
        {conflicts.map((c) => {
          const key = conflictKey(c);
          const field = c.path.replace(/^\//, "");
          return (
            <tr key={key} className="border-t border-slate-800 align-top" data-testid="conflict-row">
              <td className="py-2 pr-2">
                {entityMeta(c.entityType)?.label ?? c.entityType} <EntityName type={c.entityType} id={c.entityId} />
              </td>
              <td className="py-2 pr-2 font-mono">{field}</td>
              {(["base", "ours", "theirs"] as const).map((side) => (
                <td key={side} className="py-2 pr-2">
                  <label className="flex items-center gap-2">
                    <input
                      type="radio"
                      name={key}
                      className="accent-violet-500"
                      checked={choices[key] === side}
                      onChange={() => onChoose(key, side)}
                      aria-label={`Keep ${side} value ${show(c[side])} for ${field}`}
                    />
                    <span className="font-mono">{show(c[side])}</span>
                  </label>
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
