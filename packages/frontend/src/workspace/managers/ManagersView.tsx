/**
 * /campaigns/:id/manage (SPEC §9 managers): party and characters, kingdoms and their settlements,
 * settlements and their structures, side by side. Names open the inspector (levels, variables, history);
 * players see the same lists read-only.
 */
import { useWorkspace } from "../context.ts";
import { KingdomsPane } from "./KingdomsPane.tsx";
import { PartyPane } from "./PartyPane.tsx";
import { SettlementsPane } from "./SettlementsPane.tsx";

export default function ManagersView() {
  const ws = useWorkspace();
  return (
    <div className="flex flex-col gap-3 p-4" data-testid="managers-view">
      <h2 className="sr-only">Managers</h2>
      {ws.asOf !== null && <p className="text-sm text-amber-200">Viewing history: the managers are read-only.</p>}
      <div className="grid gap-4 lg:grid-cols-2 2xl:grid-cols-3">
        <PartyPane />
        <KingdomsPane />
        <SettlementsPane />
      </div>
    </div>
  );
}
