import { lazy, type ReactNode, Suspense, useEffect } from "react";
import { BrowserRouter, Navigate, Outlet, Route, Routes, useLocation } from "react-router";
import { bootstrapSession, useSession } from "./auth/session.ts";
import { AppHeader } from "./components/AppHeader.tsx";

// Every route is its own chunk; the sign-in page (the first route) pulls in no GraphQL client.
const LoginPage = lazy(() => import("./pages/LoginPage.tsx"));
const RegisterPage = lazy(() => import("./pages/RegisterPage.tsx"));
const SignedInRoot = lazy(() => import("./pages/SignedInRoot.tsx"));
const CampaignsPage = lazy(() => import("./pages/CampaignsPage.tsx"));
const WorkspaceLayout = lazy(() => import("./workspace/WorkspaceLayout.tsx"));
const MapView = lazy(() => import("./workspace/map/MapView.tsx"));
const FlowView = lazy(() => import("./workspace/FlowView.tsx"));
const TimelineView = lazy(() => import("./workspace/TimelineView.tsx"));
const EntitiesView = lazy(() => import("./workspace/EntitiesView.tsx"));
const BranchesView = lazy(() => import("./workspace/BranchesView.tsx"));
const ManagersView = lazy(() => import("./workspace/managers/ManagersView.tsx"));
const AuditView = lazy(() => import("./workspace/AuditView.tsx"));
const SettingsView = lazy(() => import("./workspace/SettingsView.tsx"));

function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <p role="status" aria-live="polite" className="p-4 text-slate-400">
      {label}
    </p>
  );
}

function Page({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

/** Signed-in routes: wait for the session, send anonymous visitors to /login (and back afterwards). */
function RequireSession() {
  const status = useSession((s) => s.status);
  const location = useLocation();
  if (status === "unknown") return <Loading label="Signing in…" />;
  if (status === "anonymous") {
    const next = location.pathname + location.search;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return (
    <Page>
      <SignedInRoot />
    </Page>
  );
}

/** /login and /register: signed-in users go straight to their campaigns. */
function PublicOnly() {
  const status = useSession((s) => s.status);
  const location = useLocation();
  if (status === "unknown") return <Loading label="Signing in…" />;
  if (status === "authenticated") return <Navigate to={safeNext(location.search)} replace />;
  return <Outlet />;
}

/** Where to go after signing in: `?next=` when it is a path on this site, else the campaign list. */
export function safeNext(search: string): string {
  const next = new URLSearchParams(search).get("next");
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/campaigns";
}

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<PublicOnly />}>
        <Route path="/login" element={<Page><LoginPage /></Page>} />
        <Route path="/register" element={<Page><RegisterPage /></Page>} />
      </Route>
      <Route element={<RequireSession />}>
        <Route path="/campaigns" element={<Page><CampaignsPage /></Page>} />
        <Route path="/campaigns/:campaignId" element={<Page><WorkspaceLayout /></Page>}>
          <Route index element={<Navigate to="map" replace />} />
          <Route path="map" element={<Page><MapView /></Page>} />
          <Route path="flow" element={<Page><FlowView /></Page>} />
          <Route path="timeline" element={<Page><TimelineView /></Page>} />
          <Route path="entities" element={<Page><EntitiesView /></Page>} />
          <Route path="branches" element={<Page><BranchesView /></Page>} />
          <Route path="manage" element={<Page><ManagersView /></Page>} />
          <Route path="audit" element={<Page><AuditView /></Page>} />
          <Route path="settings" element={<Page><SettingsView /></Page>} />
        </Route>
      </Route>
      <Route path="/" element={<Navigate to="/campaigns" replace />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}

function NotFound() {
  return (
    <div className="mx-auto max-w-5xl p-8">
      <h2 className="text-lg font-semibold">Page not found</h2>
      <a className="text-violet-300 underline" href="/campaigns">
        Back to your campaigns
      </a>
    </div>
  );
}

export function App() {
  useEffect(() => {
    void bootstrapSession();
  }, []);
  return (
    <BrowserRouter>
      <div className="flex min-h-dvh flex-col bg-slate-950 text-slate-100">
        <a
          href="#main"
          className="sr-only rounded bg-violet-600 px-3 py-2 text-white focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50"
        >
          Skip to content
        </a>
        <AppHeader />
        <main id="main" tabIndex={-1} className="flex min-h-0 flex-1 flex-col">
          <AppRoutes />
        </main>
      </div>
    </BrowserRouter>
  );
}
