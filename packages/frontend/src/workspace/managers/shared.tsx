/** Building blocks of the manager panes: a name that opens the inspector, a level editor, the write helper. */
import { type FormEvent, useCallback, useState } from "react";
import { describeError, type ErrorInfo } from "../../apollo/errors.ts";
import { Button, inputClass, Status } from "../../components/ui.tsx";
import type { EntityType } from "../../gql/graphql.ts";
import { useUi } from "../../store/ui.ts";
import { useWorkspace } from "../context.ts";
import { levelRange, parseLevel } from "./grouping.ts";

/** The entity's name as a button: selects it (the shared selection opens the inspector). */
export function EntityButton({ type, id, name }: { type: EntityType; id: string; name?: string | null }) {
  const select = useUi((s) => s.select);
  const selected = useUi((s) => s.selection?.id === id);
  return (
    <button
      type="button"
      aria-pressed={selected}
      onClick={() => select({ type, id })}
      className={`text-left font-medium underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-violet-400 ${selected ? "text-violet-200" : "text-slate-100"}`}
    >
      {name || "(unnamed)"}
    </button>
  );
}

/** The level as text, or (for game masters) a small form that saves it. */
interface LevelEditorProps {
  readonly type: EntityType;
  /** The entity's name, for the input's label. */
  readonly name: string;
  readonly level: number | null | undefined;
  readonly canWrite: boolean;
  /** What the number is ("level", "level override"). */
  readonly label?: string;
  onSave(level: number): Promise<boolean>;
}

export function LevelEditor({ type, name, level, canWrite, label = "level", onSave }: LevelEditorProps) {
  const range = levelRange(type);
  const [text, setText] = useState(level == null ? "" : String(level));
  const [error, setError] = useState<string | null>(null);
  if (!canWrite) {
    return (
      <span className="text-xs text-slate-400">
        {label} {level ?? "—"}
      </span>
    );
  }
  const dirty = text.trim() !== (level == null ? "" : String(level));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseLevel(text, range);
    if ("error" in parsed) {
      setError(parsed.error);
      return;
    }
    setError(null);
    await onSave(parsed.level);
  };

  return (
    <form onSubmit={submit} noValidate className="flex items-center gap-1">
      <span aria-hidden="true" className="whitespace-nowrap text-xs text-slate-400">
        {label}
      </span>
      <input
        className={`${inputClass} w-16 py-0.5`}
        type="number"
        min={range.min}
        max={range.max}
        value={text}
        aria-label={`${label.charAt(0).toUpperCase()}${label.slice(1)} of ${name}`}
        aria-invalid={error ? true : undefined}
        title={error ?? undefined}
        onChange={(e) => setText(e.target.value)}
      />
      <Button type="submit" className="px-2 py-0.5 text-xs" disabled={!dirty} aria-label={`Set ${label} of ${name}`}>
        Set
      </Button>
      {error && <span className="text-xs text-rose-300">{error}</span>}
    </form>
  );
}

export interface Writer {
  readonly error: ErrorInfo | null;
  readonly busy: boolean;
  /** Run a write; on success announce `done` and refetch; on failure keep the error (and refetch: a CONFLICT means newer data). */
  run(write: () => Promise<unknown>, done: string): Promise<boolean>;
}

export function useWriter(refetch: () => Promise<unknown>): Writer {
  const ws = useWorkspace();
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async (write: () => Promise<unknown>, done: string) => {
      setError(null);
      setBusy(true);
      try {
        await write();
        ws.announce(done);
        return true;
      } catch (e) {
        setError(describeError(e));
        return false;
      } finally {
        setBusy(false);
        await refetch().catch(() => undefined);
      }
    },
    [ws, refetch],
  );
  return { error, busy, run };
}

export function WriteError({ error }: { error: ErrorInfo | null }) {
  if (!error) return null;
  return <Status kind="error">{error.code === "CONFLICT" ? `${error.message} The list now shows the latest version.` : error.message}</Status>;
}
