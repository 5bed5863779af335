import { lazy, Suspense } from "react";

// Routes are loaded on demand so the shell chunk stays small; add new pages
// the same way (and a router) as the app grows.
const HomePage = lazy(() => import("./pages/HomePage.tsx"));

export function App() {
  return (
    <div className="flex min-h-dvh flex-col bg-slate-950 text-slate-100">
      <a
        href="#main"
        className="sr-only rounded bg-violet-600 px-3 py-2 text-white focus:not-sr-only focus:absolute focus:top-2 focus:left-2"
      >
        Skip to content
      </a>
      <header className="border-b border-slate-800 bg-slate-900/80">
        <div className="mx-auto flex max-w-5xl items-center gap-3 px-4 py-4">
          <img src="/favicon.svg" alt="" width={32} height={32} className="size-8" />
          <div>
            <h1 className="text-xl font-semibold tracking-tight">Campaign Manager</h1>
            <p className="text-sm text-slate-400">Tools for tabletop RPG game masters</p>
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto w-full max-w-5xl flex-1 px-4 py-8">
        <Suspense fallback={<p className="text-slate-400">Loading…</p>}>
          <HomePage />
        </Suspense>
      </main>
    </div>
  );
}
