/** "As of" world time: drag back through the branch's history; every view re-reads at that time. */
import { useEffect, useId, useState } from "react";
import { Button } from "../../components/ui.tsx";
import { useUi } from "../../store/ui.ts";
import { useWorkspace } from "../context.ts";

export function TimeScrubber() {
  const ws = useWorkspace();
  const asOf = useUi((s) => s.asOf);
  const setAsOf = useUi((s) => s.setAsOf);
  const id = useId();
  const calendar = ws.calendar;
  const max = Math.floor(ws.branch.worldTimeSeconds);
  let min = 0;
  try {
    min = calendar ? calendar.parseIso(ws.campaign.mainBranch.forkTime) : 0;
  } catch {
    min = 0;
  }
  const step = calendar ? calendar.sph : 3600;
  // Align the start so that "now" (max) is on a step and reachable with the keyboard.
  min = max - Math.ceil(Math.max(0, max - min) / step) * step;
  const [value, setValue] = useState<number>(asOf ?? max);

  useEffect(() => setValue(asOf ?? max), [asOf, max]);

  // Commit a moment after the last movement, so dragging doesn't fire a query per pixel.
  useEffect(() => {
    const committed = asOf ?? max;
    if (value === committed) return;
    const t = setTimeout(() => setAsOf(value >= max ? null : value), 250);
    return () => clearTimeout(t);
  }, [value, asOf, max, setAsOf]);

  const label = calendar ? calendar.formatIso(value) : `${value} s`;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-semibold">
        World time (as of)
      </label>
      <input
        id={id}
        type="range"
        min={min}
        max={max}
        step={step}
        value={value}
        disabled={max <= min}
        onChange={(e) => setValue(Number(e.target.value))}
        aria-valuetext={value >= max ? `now, ${label}` : label}
        className="accent-violet-500"
        data-testid="time-scrubber"
      />
      <div className="flex items-center justify-between gap-2 text-xs text-slate-400">
        <output htmlFor={id} data-testid="time-scrubber-value">{value >= max ? `now (${label})` : label}</output>
        {asOf !== null && (
          <Button tone="ghost" onClick={() => setAsOf(null)}>
            Now
          </Button>
        )}
      </div>
    </div>
  );
}
