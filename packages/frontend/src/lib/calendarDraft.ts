/**
 * A custom world calendar as the "create a world" form edits it (text fields), checked with the same
 * rules as the API's calendar model (campaign_shared.calendar.model) so mistakes show next to the field
 * before anything is sent. The API validates again and stays the authority.
 */
import type { CalendarSpec } from "./calendar.ts";

export interface MonthDraft {
  readonly name: string;
  readonly days: string;
}

export interface CalendarDraft {
  readonly name: string;
  readonly months: readonly MonthDraft[];
  /** Weekday names separated by commas (names cannot contain commas). */
  readonly weekdays: string;
  readonly hoursPerDay: string;
  readonly epochYear: string;
  /** Index into the weekdays of the epoch's first day. */
  readonly epochWeekday: number;
  /** Optional era that names the years, e.g. "After the Kindling" / "AK" from year 1. */
  readonly eraName: string;
  readonly eraAbbreviation: string;
  readonly eraStartYear: string;
}

export const EMPTY_DRAFT: CalendarDraft = {
  name: "",
  months: [{ name: "", days: "30" }],
  weekdays: "",
  hoursPerDay: "24",
  epochYear: "1",
  epochWeekday: 0,
  eraName: "",
  eraAbbreviation: "",
  eraStartYear: "1",
};

/** Field errors by path: "name", "months.2.name", "months.0.days", "weekdays", "era", ... */
export type DraftErrors = Readonly<Record<string, string>>;

const FORBIDDEN_IN_LABEL = /[0-9,:]/;
const BAD_ABBREVIATION = /^[0-9+-]|[\s,:]/;
const MAX_ABS_YEAR = 1e12;

export const nameKey = (name: string) => name.trim().split(/\s+/).join(" ").toLowerCase();

export function weekdayList(raw: string): string[] {
  return raw
    .split(",")
    .map((w) => w.trim())
    .filter(Boolean);
}

function wholeNumber(raw: string, min: number, max: number): number | null {
  const text = raw.trim();
  if (!/^[+-]?\d+$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : null;
}

function labelError(value: string, what: string): string | null {
  if (!value) return `Give the ${what} a name.`;
  if (value.length > 64) return `The ${what} name is longer than 64 characters.`;
  if (FORBIDDEN_IN_LABEL.test(value)) return `The ${what} name must not contain digits, commas or colons.`;
  return null;
}

/** The API's calendar JSON for a valid draft, or the errors to show. */
export function buildCalendar(draft: CalendarDraft): { calendar: CalendarSpec } | { errors: DraftErrors } {
  const errors: Record<string, string> = {};
  const name = draft.name.trim();
  if (!name) errors.name = "Give the calendar a name.";
  else if (name.length > 100) errors.name = "The calendar name is longer than 100 characters.";

  if (!draft.months.length) errors.months = "A calendar needs at least one month.";
  if (draft.months.length > 100) errors.months = "A calendar has at most 100 months.";
  const monthNames = new Map<string, number>();
  const months = draft.months.map((m, i) => {
    const monthName = m.name.trim();
    const problem = labelError(monthName, `month ${i + 1}`);
    if (problem) errors[`months.${i}.name`] = problem;
    else if (monthNames.has(nameKey(monthName))) errors[`months.${i}.name`] = `"${monthName}" is already month ${monthNames.get(nameKey(monthName))! + 1}.`;
    else monthNames.set(nameKey(monthName), i);
    const days = wholeNumber(m.days, 1, 10_000);
    if (days === null) errors[`months.${i}.days`] = "Days: a whole number from 1 to 10000.";
    return { name: monthName, days: days ?? 0 };
  });

  const weekdays = weekdayList(draft.weekdays);
  const seen = new Set<string>();
  if (!weekdays.length) errors.weekdays = "Name at least one weekday.";
  else if (weekdays.length > 100) errors.weekdays = "A week has at most 100 days.";
  for (const day of weekdays) {
    const problem = labelError(day, "weekday");
    if (problem && !errors.weekdays) errors.weekdays = `${day}: ${problem}`;
    if (seen.has(nameKey(day)) && !errors.weekdays) errors.weekdays = `"${day}" is named twice.`;
    seen.add(nameKey(day));
  }

  const hours = wholeNumber(draft.hoursPerDay, 1, 1000);
  if (hours === null) errors.hoursPerDay = "Hours per day: a whole number from 1 to 1000.";
  const epochYear = wholeNumber(draft.epochYear, -MAX_ABS_YEAR, MAX_ABS_YEAR);
  if (epochYear === null) errors.epochYear = "The first year must be a whole number.";
  if (weekdays.length && draft.epochWeekday >= weekdays.length) errors.epochWeekday = "Choose one of the weekdays.";

  const eraName = draft.eraName.trim();
  const eraAbbreviation = draft.eraAbbreviation.trim();
  const era = eraName || eraAbbreviation;
  let eraStart: number | null = null;
  if (era) {
    const problem = labelError(eraName, "era");
    if (problem) errors.eraName = problem;
    if (!eraAbbreviation) errors.eraAbbreviation = "Give the era an abbreviation.";
    else if (eraAbbreviation.length > 16 || BAD_ABBREVIATION.test(eraAbbreviation))
      errors.eraAbbreviation = "One word of at most 16 characters, not starting with a digit or sign, without commas or colons.";
    else if (nameKey(eraAbbreviation) === nameKey(eraName)) errors.eraAbbreviation = "The abbreviation must differ from the era name.";
    eraStart = wholeNumber(draft.eraStartYear, -MAX_ABS_YEAR, MAX_ABS_YEAR);
    if (eraStart === null) errors.eraStartYear = "The era's first year must be a whole number.";
  }

  if (Object.keys(errors).length) return { errors };
  return {
    calendar: {
      name,
      seconds_per_minute: 60,
      minutes_per_hour: 60,
      hours_per_day: hours!,
      months,
      weekdays,
      epoch_year: epochYear!,
      epoch_weekday: draft.epochWeekday,
      ...(era ? { eras: [{ name: eraName, abbreviation: eraAbbreviation, start_year: eraStart }] } : {}),
    },
  };
}

/** "12 months, 360 days a year, 7-day weeks". */
export function describeDraft(draft: CalendarDraft): string {
  const days = draft.months.reduce((sum, m) => sum + (wholeNumber(m.days, 1, 10_000) ?? 0), 0);
  const week = weekdayList(draft.weekdays).length;
  const months = draft.months.length;
  return `${months} ${months === 1 ? "month" : "months"}, ${days} days a year${week ? `, ${week}-day weeks` : ""}`;
}
