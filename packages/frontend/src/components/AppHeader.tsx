import { Link, useNavigate } from "react-router";
import { logout, useSession } from "../auth/session.ts";

export function AppHeader() {
  const user = useSession((s) => s.user);
  const navigate = useNavigate();
  return (
    <header className="border-b border-slate-800 bg-slate-900/80">
      <div className="flex items-center gap-3 px-4 py-2">
        <img src="/favicon.svg" alt="" width={28} height={28} className="size-7" />
        <div className="flex-1">
          <h1 className="text-lg font-semibold tracking-tight">
            <Link to="/campaigns" className="focus-visible:outline-2 focus-visible:outline-violet-400">
              Campaign Manager
            </Link>
          </h1>
          <p className="text-xs text-slate-400">Tools for tabletop RPG game masters</p>
        </div>
        {user && (
          <div className="flex items-center gap-3 text-sm">
            <span data-testid="current-user" className="text-slate-300">
              {user.name}
            </span>
            <button
              type="button"
              className="rounded border border-slate-600 px-2 py-1 hover:bg-slate-800 focus-visible:outline-2 focus-visible:outline-violet-400"
              onClick={() => {
                void logout().then(() => navigate("/login"));
              }}
            >
              Sign out
            </button>
          </div>
        )}
      </div>
    </header>
  );
}
