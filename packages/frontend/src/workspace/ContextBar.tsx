/** Campaign name, branch selector (remembered per campaign), world time with advance controls, party summary. */
import { useMutation, useQuery } from "@apollo/client/react";
import { type FormEvent, useId, useMemo, useState } from "react";
import { describeError } from "../apollo/errors.ts";
import { Button, inputClass, Status } from "../components/ui.tsx";
import { AdvanceWorldTimeDocument, type BranchFieldsFragment, PartySummaryDocument } from "../gql/graphql.ts";
import type { Calendar } from "../lib/calendar.ts";
import { useUi } from "../store/ui.ts";
import { useWorkspace } from "./context.ts";

/** Branches in tree order (parents first), with their depth for indentation. */
export function branchTree<B extends { id: string; parentId?: string | null; name: string }>(branches: readonly B[]): { branch: B; depth: number }[] {
  const ids = new Set(branches.map((b) => b.id));
  const children = new Map<string | null, B[]>();
  for (const b of branches) {
    const parent = b.parentId && ids.has(b.parentId) ? b.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), b]);
  }
  const out: { branch: B; depth: number }[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const b of (children.get(parent) ?? []).sort((x, y) => x.name.localeCompare(y.name))) {
      out.push({ branch: b, depth });
      walk(b.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

export function ContextBar() {
  const ws = useWorkspace();
  const setBranch = useUi((s) => s.setBranch);
  const branchSelectId = useId();
  const tree = useMemo(() => branchTree(ws.branches), [ws.branches]);
  const calendar = ws.calendar;

  return (
    <div className="flex flex-wrap items-center gap-x-6 gap-y-2 border-b border-slate-800 bg-slate-900 px-4 py-2" data-testid="context-bar">
      <div className="flex items-center gap-2">
        <h2 className="text-lg font-semibold" data-testid="campaign-name">
          {ws.campaign.name}
        </h2>
        <span className="rounded bg-slate-800 px-2 py-0.5 text-xs uppercase text-slate-300" data-testid="my-role">
          {ws.role ?? "—"}
        </span>
      </div>
      <div className="flex items-center gap-2">
        <label htmlFor={branchSelectId} className="text-xs text-slate-400">
          Branch
        </label>
        <select id={branchSelectId} className={`${inputClass} w-auto`} value={ws.branch.id} onChange={(e) => setBranch(ws.campaign.id, e.target.value)} data-testid="branch-select">
          {tree.map(({ branch, depth }) => (
            <option key={branch.id} value={branch.id}>
              {"\u00a0\u00a0".repeat(depth)}
              {depth ? "└ " : ""}
              {branch.name}
            </option>
          ))}
        </select>
      </div>
      <WorldTime branch={ws.branch} calendar={calendar} />
      <PartySummary />
    </div>
  );
}

function WorldTime({ branch, calendar }: { branch: BranchFieldsFragment; calendar: Calendar | null }) {
  const ws = useWorkspace();
  const [open, setOpen] = useState(false);
  const canAdvance = ws.isGm;
  return (
    <div className="flex flex-wrap items-center gap-2">
      <span className="text-xs text-slate-400">World time</span>
      <time className="font-mono text-sm" data-testid="world-time" title={calendar ? calendar.formatLong(branch.worldTimeSeconds, true) : undefined}>
        {branch.worldTime}
      </time>
      {calendar && <span className="text-xs text-slate-400">({calendar.formatLong(branch.worldTimeSeconds)})</span>}
      {canAdvance && (
        <Button aria-expanded={open} aria-controls="advance-form" onClick={() => setOpen((o) => !o)}>
          Advance…
        </Button>
      )}
      {open && canAdvance && <AdvanceForm branch={branch} calendar={calendar} onDone={() => setOpen(false)} />}
    </div>
  );
}

function AdvanceForm({ branch, calendar, onDone }: { branch: BranchFieldsFragment; calendar: Calendar | null; onDone(): void }) {
  const ws = useWorkspace();
  const now = calendar?.toDate(branch.worldTimeSeconds);
  const [year, setYear] = useState(String(now?.year ?? ""));
  const [month, setMonth] = useState(String(now?.month ?? 1));
  const [day, setDay] = useState(String(now?.day ?? 1));
  const [time, setTime] = useState(now ? `${String(now.hour).padStart(2, "0")}:${String(now.minute).padStart(2, "0")}` : "00:00");
  const [text, setText] = useState(branch.worldTime.slice(0, 16));
  const [error, setError] = useState<string | null>(null);
  const [advance, { loading }] = useMutation(AdvanceWorldTimeDocument);
  const ids = { year: useId(), month: useId(), day: useId(), time: useId(), text: useId() };

  const send = async (to: string | number) => {
    setError(null);
    try {
      const result = await advance({ variables: { branchId: branch.id, to, expectedVersion: branch.version } });
      ws.announce(`World time is now ${result.data?.advanceWorldTime.worldTime}.`);
      ws.refetchWorkspace();
      onDone();
    } catch (e) {
      setError(describeError(e).message);
    }
  };

  const target = (): string | null => {
    if (!calendar) return text.trim();
    const [h, m] = time.split(":").map(Number);
    const date = { year: Number(year), month: Number(month), day: Number(day), hour: h ?? 0, minute: m ?? 0, second: 0 };
    try {
      const seconds = calendar.toSeconds(date);
      if (seconds <= branch.worldTimeSeconds) {
        setError("Pick a time after the current world time: the clock only moves forward.");
        return null;
      }
      return calendar.formatIso(seconds);
    } catch (e) {
      setError(`${(e as Error).message}.`);
      return null;
    }
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const to = target();
    if (to) void send(to);
  };

  const step = (seconds: number) => void send(Math.round(branch.worldTimeSeconds + seconds));
  const spd = calendar?.spd ?? 86_400;
  const sph = calendar?.sph ?? 3_600;
  const week = (calendar?.spec.weekdays.length ?? 7) * spd;

  return (
    <form id="advance-form" noValidate onSubmit={onSubmit} className="flex basis-full flex-wrap items-end gap-2 rounded border border-slate-700 bg-slate-950 p-2" aria-label="Advance world time">
      <div className="flex gap-1" role="group" aria-label="Advance by">
        <Button onClick={() => step(sph)} disabled={loading}>+1 hour</Button>
        <Button onClick={() => step(spd)} disabled={loading}>+1 day</Button>
        <Button onClick={() => step(week)} disabled={loading}>+1 week</Button>
      </div>
      {calendar ? (
        <>
          <div className="flex flex-col gap-1">
            <label htmlFor={ids.year} className="text-xs text-slate-400">Year</label>
            <input id={ids.year} type="number" className={`${inputClass} w-24`} value={year} onChange={(e) => setYear(e.target.value)} />
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor={ids.month} className="text-xs text-slate-400">Month</label>
            <select id={ids.month} className={`${inputClass} w-36`} value={month} onChange={(e) => setMonth(e.target.value)}>
              {calendar.spec.months.map((m, i) => (
                <option key={m.name} value={i + 1}>{m.name}</option>
              ))}
            </select>
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor={ids.day} className="text-xs text-slate-400">Day</label>
            <input id={ids.day} type="number" min={1} max={calendar.daysInMonth(Number(year) || 0, Number(month) || 1)} className={`${inputClass} w-20`} value={day} onChange={(e) => setDay(e.target.value)} />
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor={ids.time} className="text-xs text-slate-400">Time (HH:MM)</label>
            <input id={ids.time} type="text" pattern="\d{1,2}:\d{2}" className={`${inputClass} w-24`} value={time} onChange={(e) => setTime(e.target.value)} />
          </div>
        </>
      ) : (
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.text} className="text-xs text-slate-400">Advance to (YYYY-MM-DD HH:MM)</label>
          <input id={ids.text} className={`${inputClass} w-48`} value={text} onChange={(e) => setText(e.target.value)} />
        </div>
      )}
      <Button tone="primary" type="submit" disabled={loading}>
        Advance to date
      </Button>
      {loading && <Status>Advancing…</Status>}
      {error && <Status kind="error">{error}</Status>}
    </form>
  );
}

function PartySummary() {
  const ws = useWorkspace();
  const { data } = useQuery(PartySummaryDocument, { variables: { campaignId: ws.campaign.id, branchId: ws.branch.id, asOf: ws.asOf } });
  const parties = data?.parties ?? [];
  if (!data) return null;
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="party-summary">
      <span className="text-xs text-slate-400">Parties</span>
      {parties.length === 0 && <span className="text-slate-500">none yet</span>}
      {parties.map((p) => {
        const members = (data.characters ?? []).filter((c) => c.partyId === p.id);
        const levels = members.map((c) => c.level).filter((l): l is number => typeof l === "number");
        const level = p.levelOverride ?? (levels.length ? Math.round(levels.reduce((a, b) => a + b, 0) / levels.length) : null);
        return (
          <span key={p.id} className="rounded bg-slate-800 px-2 py-0.5">
            {p.name} · {level !== null ? `level ${level}` : "no level"} · {members.length} {members.length === 1 ? "member" : "members"}
          </span>
        );
      })}
    </div>
  );
}
