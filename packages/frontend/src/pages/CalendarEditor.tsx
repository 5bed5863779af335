/** Editing a custom world calendar: months (name, days), weekdays, hours per day, first year, an era. */
import { useEffect, useRef, useState } from "react";
import { Button, Field, inputClass, TextField } from "../components/ui.tsx";
import { type CalendarDraft, describeDraft, type DraftErrors, type MonthDraft, weekdayList } from "../lib/calendarDraft.ts";

export function CalendarEditor({ draft, errors, onChange }: { draft: CalendarDraft; errors: DraftErrors; onChange(draft: CalendarDraft): void }) {
  const monthsRef = useRef<HTMLOListElement>(null);
  const [focusMonth, setFocusMonth] = useState<number | null>(null);
  const weekdays = weekdayList(draft.weekdays);
  const set = (patch: Partial<CalendarDraft>) => onChange({ ...draft, ...patch });
  const setMonths = (months: MonthDraft[]) => set({ months });
  const setMonth = (i: number, patch: Partial<MonthDraft>) => setMonths(draft.months.map((m, j) => (j === i ? { ...m, ...patch } : m)));
  const move = (i: number, by: -1 | 1) => {
    const months = [...draft.months];
    [months[i], months[i + by]] = [months[i + by]!, months[i]!];
    setMonths(months);
    setFocusMonth(i + by);
  };

  // After adding or moving a month, keep the keyboard on it.
  useEffect(() => {
    if (focusMonth === null) return;
    monthsRef.current?.querySelector<HTMLInputElement>(`[data-month-name="${focusMonth}"]`)?.focus();
    setFocusMonth(null);
  }, [focusMonth]);

  return (
    <div className="flex flex-col gap-3 rounded border border-slate-700 p-3" data-testid="calendar-editor">
      <TextField label="Calendar name" value={draft.name} onChange={(e) => set({ name: e.target.value })} error={errors.name} />
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 text-sm font-semibold">Months, in order</legend>
        <ol ref={monthsRef} className="flex flex-col gap-2">
          {draft.months.map((m, i) => (
            <li key={i} className="flex flex-wrap items-start gap-2" data-testid="calendar-month">
              <TextField
                label={`Month ${i + 1} name`}
                className="min-w-32 flex-1"
                value={m.name}
                onChange={(e) => setMonth(i, { name: e.target.value })}
                error={errors[`months.${i}.name`]}
                data-month-name={i}
              />
              <TextField
                label={`Month ${i + 1} days`}
                className="w-24"
                type="number"
                min={1}
                max={10000}
                value={m.days}
                onChange={(e) => setMonth(i, { days: e.target.value })}
                error={errors[`months.${i}.days`]}
              />
              <div className="flex gap-1 self-end pb-0.5">
                <Button tone="ghost" aria-label={`Move month ${i + 1} up`} disabled={i === 0} onClick={() => move(i, -1)}>
                  ↑
                </Button>
                <Button tone="ghost" aria-label={`Move month ${i + 1} down`} disabled={i === draft.months.length - 1} onClick={() => move(i, 1)}>
                  ↓
                </Button>
                <Button tone="ghost" aria-label={`Remove month ${i + 1}`} disabled={draft.months.length === 1} onClick={() => setMonths(draft.months.filter((_, j) => j !== i))}>
                  ✕
                </Button>
              </div>
            </li>
          ))}
        </ol>
        {errors.months && <p className="text-xs text-rose-300">{errors.months}</p>}
        <Button
          className="self-start"
          disabled={draft.months.length >= 100}
          onClick={() => {
            setMonths([...draft.months, { name: "", days: draft.months.at(-1)?.days ?? "30" }]);
            setFocusMonth(draft.months.length);
          }}
        >
          Add month
        </Button>
      </fieldset>
      <TextField label="Weekdays" placeholder="Moonday, Fireday, Restday" hint="In order, separated by commas." value={draft.weekdays} onChange={(e) => set({ weekdays: e.target.value })} error={errors.weekdays} />
      <div className="grid gap-3 sm:grid-cols-3">
        <TextField label="First year" type="number" value={draft.epochYear} onChange={(e) => set({ epochYear: e.target.value })} error={errors.epochYear} hint="World time starts here." />
        <Field label="Its first day is a" error={errors.epochWeekday}>
          {(aria) => (
            <select className={inputClass} value={draft.epochWeekday} onChange={(e) => set({ epochWeekday: Number(e.target.value) })} disabled={!weekdays.length} {...aria}>
              {weekdays.length ? weekdays.map((w, i) => <option key={`${w}-${i}`} value={i}>{w}</option>) : <option value={0}>(name the weekdays)</option>}
            </select>
          )}
        </Field>
        <TextField label="Hours per day" type="number" min={1} max={1000} value={draft.hoursPerDay} onChange={(e) => set({ hoursPerDay: e.target.value })} error={errors.hoursPerDay} />
      </div>
      <fieldset className="grid gap-3 sm:grid-cols-3">
        <legend className="mb-1 text-sm font-semibold">Era (optional): how years are named</legend>
        <TextField label="Era name" placeholder="After the Kindling" value={draft.eraName} onChange={(e) => set({ eraName: e.target.value })} error={errors.eraName} />
        <TextField label="Era abbreviation" placeholder="AK" value={draft.eraAbbreviation} onChange={(e) => set({ eraAbbreviation: e.target.value })} error={errors.eraAbbreviation} />
        <TextField label="Era starts in year" type="number" value={draft.eraStartYear} onChange={(e) => set({ eraStartYear: e.target.value })} error={errors.eraStartYear} />
      </fieldset>
      <p className="text-sm text-slate-400" data-testid="calendar-summary" aria-live="polite">
        {describeDraft(draft)}
      </p>
    </div>
  );
}
