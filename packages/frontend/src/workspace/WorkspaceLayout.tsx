/** /campaigns/:id/*: loads the campaign, picks the branch, renders the context bar, the view tabs, the view and the inspector. */
import { useApolloClient, useQuery, useSubscription } from "@apollo/client/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link, NavLink, Outlet, useParams } from "react-router";
import { describeError } from "../apollo/errors.ts";
import { Button, Status } from "../components/ui.tsx";
import { CampaignEventsDocument, WorkspaceDocument, WorldDocument } from "../gql/graphql.ts";
import { calendarOf } from "../lib/calendar.ts";
import { chooseBranch, useUi } from "../store/ui.ts";
import { ContextBar } from "./ContextBar.tsx";
import { useWorkspace, WorkspaceContext, type WorkspaceValue } from "./context.ts";
import { Inspector } from "./Inspector.tsx";

const VIEWS = [
  { path: "map", label: "Map" },
  { path: "flow", label: "Flow" },
  { path: "timeline", label: "Timeline" },
  { path: "entities", label: "Entities" },
  { path: "branches", label: "Branches" },
  { path: "manage", label: "Managers" },
  { path: "audit", label: "Audit log", gmOnly: true },
  { path: "settings", label: "Settings" },
] as const;

export default function WorkspaceLayout() {
  const { campaignId = "" } = useParams();
  const { data, loading, error, refetch } = useQuery(WorkspaceDocument, { variables: { campaignId } });
  const campaign = data?.campaign ?? null;
  const world = useQuery(WorldDocument, { variables: { id: campaign?.worldId ?? "" }, skip: !campaign });
  const remembered = useUi((s) => s.branchByCampaign[campaignId]);
  const asOf = useUi((s) => s.asOf);
  const enterCampaign = useUi((s) => s.enterCampaign);
  const [announcement, setAnnouncement] = useState("");

  useEffect(() => {
    enterCampaign(campaignId);
  }, [campaignId, enterCampaign]);

  const announce = useCallback((message: string) => {
    // Re-announce the same text by clearing first.
    setAnnouncement("");
    requestAnimationFrame(() => setAnnouncement(message));
  }, []);

  const value = useMemo<WorkspaceValue | null>(() => {
    if (!campaign) return null;
    const role = campaign.myRole ?? null;
    return {
      campaign,
      branches: campaign.branches,
      branch: chooseBranch(remembered, campaign.branches, campaign.mainBranch),
      calendar: calendarOf(world.data?.world?.calendar),
      role,
      isGm: role === "OWNER" || role === "GM",
      isOwner: role === "OWNER",
      asOf,
      announce,
      refetchWorkspace: () => void refetch(),
    };
  }, [campaign, remembered, world.data, asOf, announce, refetch]);

  if (!value) {
    return (
      <div className="p-6">
        {loading && <Status>Loading campaign…</Status>}
        {error && <Status kind="error">{describeError(error).message}</Status>}
        {data && !campaign && (
          <p>
            This campaign does not exist or you are not a member.{" "}
            <Link to="/campaigns" className="text-violet-300 underline">
              Your campaigns
            </Link>
          </p>
        )}
      </div>
    );
  }

  return (
    <WorkspaceContext.Provider value={value}>
      <LiveUpdates campaignId={campaignId} onWorldTime={() => void refetch()} announce={announce} />
      <div className="flex min-h-0 flex-1 flex-col" data-role={value.role ?? ""}>
        <ContextBar />
        <nav aria-label="Workspace views" className="flex flex-wrap gap-1 border-b border-slate-800 bg-slate-900/60 px-4">
          {VIEWS.filter((v) => !("gmOnly" in v) || value.isGm).map((v) => (
            <NavLink
              key={v.path}
              to={v.path}
              className={({ isActive }) =>
                "border-b-2 px-3 py-2 text-sm focus-visible:outline-2 focus-visible:outline-violet-400 " +
                (isActive ? "border-violet-400 text-white" : "border-transparent text-slate-400 hover:text-slate-200")
              }
            >
              {v.label}
            </NavLink>
          ))}
        </nav>
        {asOf !== null && <AsOfBanner />}
        <div className="flex min-h-0 flex-1 flex-col md:flex-row">
          <div className="min-h-0 min-w-0 flex-1 overflow-auto">
            <Outlet />
          </div>
          <Inspector />
        </div>
        <div role="status" aria-live="polite" className="border-t border-slate-800 px-4 py-1 text-xs text-slate-400" data-testid="announcer">
          {announcement}
        </div>
      </div>
    </WorkspaceContext.Provider>
  );
}

function AsOfBanner() {
  const asOf = useUi((s) => s.asOf);
  const setAsOf = useUi((s) => s.setAsOf);
  const { calendar } = useWorkspace();
  const value = asOf === null ? "now" : calendar ? calendar.formatIso(asOf) : `${asOf} s`;
  return (
    <div className="flex items-center gap-3 bg-amber-950/60 px-4 py-1.5 text-sm text-amber-100" data-testid="as-of-banner">
      <span>Viewing the world as of {value}: history is read-only.</span>
      <Button tone="ghost" onClick={() => setAsOf(null)}>
        Back to now
      </Button>
    </div>
  );
}

/**
 * `campaignEvents`: whatever changes (here or in another browser), refetch the active queries, batched
 * over a short window so a burst of changes costs one round of requests.
 */
function LiveUpdates({ campaignId, onWorldTime, announce }: { campaignId: string; onWorldTime(): void; announce(m: string): void }) {
  const client = useApolloClient();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [connected, setConnected] = useState(false);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  const { error } = useSubscription(CampaignEventsDocument, {
    variables: { campaignId },
    onData: ({ data }) => {
      setConnected(true);
      const event = data.data?.campaignEvents;
      if (!event) return;
      if (event.kind === "WORLD_TIME_ADVANCED") {
        onWorldTime();
        announce("World time advanced.");
      }
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        timer.current = null;
        void client.refetchQueries({ include: "active" });
      }, 150);
    },
  });
  return <span hidden data-testid="live-status" data-state={error ? "error" : connected ? "receiving" : "subscribed"} />;
}
