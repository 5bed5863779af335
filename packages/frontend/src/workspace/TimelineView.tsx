/**
 * Timeline: events and encounters on the world-calendar axis, with the branch's current world time
 * marked. GMs reschedule by dragging an item (or Alt+←/→ moves it by a day when focused).
 */
import { useMutation, useQuery } from "@apollo/client/react";
import { type PointerEvent, useMemo, useRef, useState } from "react";
import { describeError } from "../apollo/errors.ts";
import { Status } from "../components/ui.tsx";
import { type EntityType, StoryGraphDocument, UpdateEncounterDocument, UpdateEventDocument } from "../gql/graphql.ts";
import type { Calendar } from "../lib/calendar.ts";
import { useUi } from "../store/ui.ts";
import { scope, useWorkspace } from "./context.ts";

interface Item {
  readonly id: string;
  readonly type: EntityType;
  readonly name: string;
  readonly version: number;
  readonly status: string | null;
  readonly at: number | null;
  readonly label: string | null;
}

export interface Axis {
  readonly start: number;
  readonly end: number;
}

/** The visible range: every item and "now", padded by 5% (at least a day) on both sides. */
export function axisFor(times: readonly number[], now: number, day: number): Axis {
  const all = [...times, now];
  const min = Math.min(...all);
  const max = Math.max(...all);
  const pad = Math.max((max - min) * 0.05, day);
  return { start: min - pad, end: max + pad };
}

export const fraction = (axis: Axis, t: number) => (t - axis.start) / (axis.end - axis.start);

/** Stack items into rows so labels don't overlap: greedy, by position. */
export function stackRows<T extends { at: number }>(items: readonly T[], axis: Axis, minGap = 0.12): (T & { row: number })[] {
  const ends: number[] = [];
  return [...items]
    .sort((a, b) => a.at - b.at)
    .map((item) => {
      const x = fraction(axis, item.at);
      let row = ends.findIndex((end) => x - end >= minGap);
      if (row === -1) row = ends.length;
      ends[row] = x;
      return { ...item, row };
    });
}

function parse(calendar: Calendar | null, text: string | null | undefined): number | null {
  if (!text || !calendar) return null;
  try {
    return calendar.parseIso(text);
  } catch {
    return null;
  }
}

export default function TimelineView() {
  const ws = useWorkspace();
  const calendar = ws.calendar;
  const selection = useUi((s) => s.selection);
  const select = useUi((s) => s.select);
  const { data, loading, error, refetch } = useQuery(StoryGraphDocument, { variables: scope(ws) });
  const [updateEvent] = useMutation(UpdateEventDocument);
  const [updateEncounter] = useMutation(UpdateEncounterDocument);
  const [message, setMessage] = useState<{ kind: "error" | "success"; text: string } | null>(null);
  const [drag, setDrag] = useState<{ id: string; dx: number } | null>(null);
  const laneRef = useRef<HTMLDivElement>(null);
  const canEdit = ws.isGm && ws.asOf === null;
  const now = ws.asOf ?? ws.branch.worldTimeSeconds;
  const day = calendar?.spd ?? 86_400;

  const items: Item[] = useMemo(
    () => [
      ...(data?.events ?? []).map((e) => ({ id: e.id, type: "EVENT" as EntityType, name: e.name ?? "(unnamed)", version: e.version, status: e.status ?? null, at: parse(calendar, e.scheduledAt), label: e.scheduledAt ?? null })),
      ...(data?.encounters ?? []).map((e) => ({ id: e.id, type: "ENCOUNTER" as EntityType, name: e.name ?? "(unnamed)", version: e.version, status: e.status ?? null, at: parse(calendar, e.scheduledAt), label: e.scheduledAt ?? null })),
    ],
    [data, calendar],
  );
  const scheduled = items.filter((i): i is Item & { at: number } => i.at !== null);
  const axis = axisFor(scheduled.map((i) => i.at), now, day);
  const ticks = useMemo(() => {
    const count = 6;
    return Array.from({ length: count + 1 }, (_, i) => axis.start + ((axis.end - axis.start) * i) / count);
  }, [axis.start, axis.end]);

  const reschedule = async (item: Item, to: number) => {
    setMessage(null);
    const rounded = Math.round(to / (calendar?.sph ?? 3600)) * (calendar?.sph ?? 3600);
    const variables = { id: item.id, branchId: ws.branch.id, input: { scheduledAt: rounded, expectedVersion: item.version } };
    try {
      if (item.type === "EVENT") await updateEvent({ variables });
      else await updateEncounter({ variables });
      const label = calendar ? calendar.formatIso(rounded) : String(rounded);
      setMessage({ kind: "success", text: `${item.name} rescheduled to ${label}.` });
      ws.announce(`${item.name} rescheduled to ${label}.`);
    } catch (e) {
      setMessage({ kind: "error", text: describeError(e).message });
    }
    await refetch();
  };

  const secondsPerPixel = () => (axis.end - axis.start) / (laneRef.current?.clientWidth || 1);

  const lanes: { type: EntityType; title: string }[] = [
    { type: "EVENT", title: "Events" },
    { type: "ENCOUNTER", title: "Encounters" },
  ];

  return (
    <div className="flex flex-col gap-4 p-4">
      {loading && !data && <Status>Loading the timeline…</Status>}
      {error && <Status kind="error">{describeError(error).message}</Status>}
      {!calendar && data && <Status>Loading the world calendar…</Status>}
      <div className="relative overflow-hidden rounded-lg border border-slate-800 bg-slate-900 p-4" data-testid="timeline">
        <div className="relative mr-32 ml-28" ref={laneRef}>
          {/* axis */}
          <div className="relative h-8 border-b border-slate-700 text-[10px] text-slate-400" aria-hidden="true">
            {ticks.map((t) => (
              <span key={t} className="absolute top-0 -translate-x-1/2 whitespace-nowrap" style={{ left: `${fraction(axis, t) * 100}%` }}>
                {calendar?.formatLong(t) ?? Math.round(t)}
              </span>
            ))}
          </div>
          {/* now marker */}
          <div className="pointer-events-none absolute top-0 bottom-0 z-10 w-0.5 bg-amber-400" style={{ left: `${fraction(axis, now) * 100}%` }} data-testid="timeline-now">
            <span className="absolute top-8 left-1 whitespace-nowrap rounded bg-amber-400 px-1 text-[10px] font-semibold text-slate-950">
              {ws.asOf === null ? "now" : "as of"}
            </span>
          </div>
          {lanes.map((lane) => {
            const rows = stackRows(scheduled.filter((i) => i.type === lane.type), axis);
            const height = Math.max(1, ...rows.map((r) => r.row + 1)) * 2.5;
            return (
              <div key={lane.type} className="relative border-b border-slate-800" style={{ height: `${height + 1}rem` }}>
                <span className="absolute top-2 -left-28 w-24 text-sm font-medium text-slate-300">{lane.title}</span>
                <ul aria-label={`${lane.title} by world time`}>
                  {rows.map((item) => {
                    const dx = drag?.id === item.id ? drag.dx : 0;
                    const selected = selection?.id === item.id;
                    const onPointerDown = (e: PointerEvent<HTMLButtonElement>) => {
                      if (!canEdit) return;
                      e.currentTarget.setPointerCapture(e.pointerId);
                      setDrag({ id: item.id, dx: 0 });
                      (e.currentTarget.dataset as DOMStringMap).startX = String(e.clientX);
                    };
                    const onPointerMove = (e: PointerEvent<HTMLButtonElement>) => {
                      if (drag?.id !== item.id) return;
                      setDrag({ id: item.id, dx: e.clientX - Number(e.currentTarget.dataset.startX ?? e.clientX) });
                    };
                    const onPointerUp = () => {
                      if (drag?.id !== item.id) return;
                      setDrag(null);
                      if (Math.abs(dx) >= 4) void reschedule(item, item.at + dx * secondsPerPixel());
                      else select({ type: item.type, id: item.id });
                    };
                    return (
                      <li key={item.id} className="absolute" style={{ left: `calc(${fraction(axis, item.at) * 100}% + ${dx}px)`, top: `${item.row * 2.5 + 0.5}rem` }}>
                        <button
                          type="button"
                          data-testid="timeline-item"
                          data-name={item.name}
                          aria-pressed={selected}
                          title={`${item.name}: ${item.label ?? ""}${canEdit ? " (drag to reschedule)" : ""}`}
                          onPointerDown={onPointerDown}
                          onPointerMove={onPointerMove}
                          onPointerUp={onPointerUp}
                          onClick={(e) => {
                            if (e.detail === 0) select({ type: item.type, id: item.id }); // keyboard activation
                          }}
                          onKeyDown={(e) => {
                            if (!canEdit || !e.altKey || (e.key !== "ArrowLeft" && e.key !== "ArrowRight")) return;
                            e.preventDefault();
                            void reschedule(item, item.at + (e.key === "ArrowRight" ? day : -day));
                          }}
                          className={
                            "-translate-x-1.5 touch-none select-none whitespace-nowrap rounded-full border px-2 py-0.5 text-xs focus-visible:outline-2 focus-visible:outline-violet-400 " +
                            (canEdit ? "cursor-grab " : "") +
                            (selected ? "border-amber-400 bg-amber-900/70 text-amber-50 " : lane.type === "EVENT" ? "border-violet-500 bg-violet-950 text-violet-100 " : "border-sky-500 bg-sky-950 text-sky-100 ")
                          }
                        >
                          ● {item.name}
                          {item.status ? <span className="ml-1 text-[10px] opacity-70">{item.status.toLowerCase()}</span> : null}
                        </button>
                      </li>
                    );
                  })}
                </ul>
              </div>
            );
          })}
        </div>
      </div>
      {canEdit && <p className="text-xs text-slate-400">Drag an item along the axis to reschedule it, or focus it and press Alt+← / Alt+→ to move it by a day.</p>}
      {message && <Status kind={message.kind} testId="timeline-status">{message.text}</Status>}
      {items.some((i) => i.at === null) && (
        <div>
          <h3 className="text-sm font-semibold">Not scheduled</h3>
          <ul className="flex flex-wrap gap-2 text-sm">
            {items.filter((i) => i.at === null).map((i) => (
              <li key={i.id}>
                <button type="button" className="rounded border border-slate-700 px-2 py-0.5 hover:bg-slate-800" onClick={() => select({ type: i.type, id: i.id })}>
                  {i.name}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
