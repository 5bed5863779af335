/**
 * UI state shared by the workspace views (Zustand): the branch chosen per campaign (remembered in
 * localStorage), the current selection (select on the map, see it in the flow, timeline, tables and
 * the inspector), the world-time scrubber ("as of") and map layer toggles.
 */
import { create } from "zustand";
import { createJSONStorage, persist } from "zustand/middleware";
import type { EntityType } from "../gql/graphql.ts";

export interface Selection {
  readonly type: EntityType;
  readonly id: string;
}

export interface MapLayers {
  readonly regions: boolean;
  readonly points: boolean;
}

export interface UiState {
  /** campaign id → branch id last chosen there (persisted). */
  readonly branchByCampaign: Readonly<Record<string, string>>;
  readonly selection: Selection | null;
  /** World-time scrubber in seconds; null = the branch's current world time ("now"). */
  readonly asOf: number | null;
  readonly layers: MapLayers;
  setBranch(campaignId: string, branchId: string): void;
  select(selection: Selection | null): void;
  setAsOf(asOf: number | null): void;
  setLayer(layer: keyof MapLayers, visible: boolean): void;
  /** Entering another campaign: nothing selected, back to "now". */
  enterCampaign(campaignId: string): void;
}

export const UI_STORAGE_KEY = "cm.ui";

export const useUi = create<UiState>()(
  persist(
    (set, get) => ({
      branchByCampaign: {},
      selection: null,
      asOf: null,
      layers: { regions: true, points: true },
      setBranch: (campaignId, branchId) => {
        if (get().branchByCampaign[campaignId] === branchId) return;
        set((s) => ({ branchByCampaign: { ...s.branchByCampaign, [campaignId]: branchId }, asOf: null }));
      },
      select: (selection) => {
        const current = get().selection;
        if (current?.id === selection?.id && current?.type === selection?.type) return;
        set({ selection });
      },
      setAsOf: (asOf) => set({ asOf }),
      setLayer: (layer, visible) => set((s) => ({ layers: { ...s.layers, [layer]: visible } })),
      enterCampaign: () => set({ selection: null, asOf: null }),
    }),
    {
      name: UI_STORAGE_KEY,
      version: 1,
      storage: createJSONStorage(() => localStorage),
      partialize: (s) => ({ branchByCampaign: s.branchByCampaign, layers: s.layers }),
    },
  ),
);

/** The branch to show for a campaign: the remembered one if it still exists, else the main branch. */
export function chooseBranch<B extends { id: string }>(
  remembered: string | undefined,
  branches: readonly B[],
  main: B,
): B {
  return branches.find((b) => b.id === remembered) ?? main;
}
