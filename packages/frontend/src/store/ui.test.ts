import { beforeEach, describe, expect, it } from "vitest";
import { chooseBranch, UI_STORAGE_KEY, useUi } from "./ui.ts";

const initial = useUi.getState();

beforeEach(() => {
  localStorage.clear();
  useUi.setState({ ...initial, branchByCampaign: {}, selection: null, asOf: null, layers: { regions: true, points: true } });
});

describe("ui store", () => {
  it("remembers the branch per campaign in localStorage", () => {
    useUi.getState().setBranch("c1", "b-fork");
    useUi.getState().setBranch("c2", "b-other");
    expect(useUi.getState().branchByCampaign).toEqual({ c1: "b-fork", c2: "b-other" });
    const stored = JSON.parse(localStorage.getItem(UI_STORAGE_KEY)!);
    expect(stored.state.branchByCampaign).toEqual({ c1: "b-fork", c2: "b-other" });
    // Only durable preferences are stored, not the selection or the scrubber.
    expect(stored.state.selection).toBeUndefined();
    expect(stored.state.asOf).toBeUndefined();
  });

  it("restores remembered branches on start-up", async () => {
    localStorage.setItem(UI_STORAGE_KEY, JSON.stringify({ state: { branchByCampaign: { c9: "b9" }, layers: { regions: false, points: true } }, version: 1 }));
    await useUi.persist.rehydrate();
    expect(useUi.getState().branchByCampaign).toEqual({ c9: "b9" });
    expect(useUi.getState().layers).toEqual({ regions: false, points: true });
  });

  it("shares one selection and goes back to 'now' when the branch changes", () => {
    useUi.getState().select({ type: "LOCATION", id: "l1" });
    useUi.getState().setAsOf(1234);
    expect(useUi.getState().selection).toEqual({ type: "LOCATION", id: "l1" });
    useUi.getState().setBranch("c1", "b2");
    expect(useUi.getState().asOf).toBeNull();
    expect(useUi.getState().selection).toEqual({ type: "LOCATION", id: "l1" });
  });

  it("clears selection and scrubber when entering a campaign", () => {
    useUi.getState().select({ type: "EVENT", id: "e1" });
    useUi.getState().setAsOf(10);
    useUi.getState().enterCampaign("c2");
    expect(useUi.getState().selection).toBeNull();
    expect(useUi.getState().asOf).toBeNull();
  });

  it("does not notify subscribers when selecting the same thing again", () => {
    useUi.getState().select({ type: "EVENT", id: "e1" });
    let calls = 0;
    const unsubscribe = useUi.subscribe(() => (calls += 1));
    useUi.getState().select({ type: "EVENT", id: "e1" });
    unsubscribe();
    expect(calls).toBe(0);
  });

  it("toggles map layers", () => {
    useUi.getState().setLayer("points", false);
    expect(useUi.getState().layers).toEqual({ regions: true, points: false });
  });
});

describe("chooseBranch", () => {
  const main = { id: "main" };
  const fork = { id: "fork" };
  it("uses the remembered branch when it still exists", () => {
    expect(chooseBranch("fork", [main, fork], main)).toBe(fork);
  });
  it("falls back to the main branch", () => {
    expect(chooseBranch("deleted", [main, fork], main)).toBe(main);
    expect(chooseBranch(undefined, [main, fork], main)).toBe(main);
  });
});
