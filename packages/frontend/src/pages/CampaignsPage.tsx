import { useMutation, useQuery } from "@apollo/client/react";
import { type FormEvent, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import { describeError } from "../apollo/errors.ts";
import { Button, Field, inputClass, Panel, Status, TextField } from "../components/ui.tsx";
import { CampaignListDocument, CreateCampaignDocument, CreateWorldDocument } from "../gql/graphql.ts";
import { CALENDAR_PRESETS, calendarOf } from "../lib/calendar.ts";
import { buildCalendar, type CalendarDraft, type DraftErrors, EMPTY_DRAFT } from "../lib/calendarDraft.ts";
import { CalendarEditor } from "./CalendarEditor.tsx";

export default function CampaignsPage() {
  const { data, loading, error } = useQuery(CampaignListDocument);
  const campaigns = data?.campaigns ?? [];
  const worlds = data?.worlds ?? [];
  return (
    <div className="mx-auto grid w-full max-w-6xl gap-6 px-4 py-6 lg:grid-cols-[3fr_2fr]">
      <Panel title="Your campaigns">
        {loading && !data && <Status>Loading campaigns…</Status>}
        {error && <Status kind="error">{describeError(error).message}</Status>}
        {data && campaigns.length === 0 && <p className="text-sm text-slate-400">No campaigns yet: create a world, then a campaign in it.</p>}
        <ul className="divide-y divide-slate-800" data-testid="campaign-list">
          {campaigns.map((c) => (
            <li key={c.id} className="flex flex-wrap items-center gap-3 py-3">
              <Link to={`/campaigns/${c.id}/map`} className="font-medium text-violet-300 underline-offset-2 hover:underline">
                {c.name}
              </Link>
              <span className="rounded bg-slate-800 px-2 py-0.5 text-xs uppercase text-slate-300">{c.myRole ?? "—"}</span>
              <span className="text-xs text-slate-400">
                {worlds.find((w) => w.id === c.worldId)?.name ?? "World"} · now {c.mainBranch.worldTime}
              </span>
              {c.description && <p className="basis-full text-sm text-slate-400">{c.description}</p>}
            </li>
          ))}
        </ul>
      </Panel>
      <div className="flex flex-col gap-6">
        <CreateWorldForm />
        <CreateCampaignForm worlds={worlds} />
      </div>
    </div>
  );
}

const CUSTOM = "custom";

function CreateWorldForm() {
  const formRef = useRef<HTMLFormElement>(null);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [calendar, setCalendar] = useState<string>("gregorian");
  const [draft, setDraft] = useState<CalendarDraft>(EMPTY_DRAFT);
  const [draftErrors, setDraftErrors] = useState<DraftErrors>({});
  const [message, setMessage] = useState<{ kind: "success" | "error"; text: string } | null>(null);
  const [createWorld, { loading }] = useMutation(CreateWorldDocument, { refetchQueries: [CampaignListDocument] });

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    let chosen: unknown = calendar;
    if (calendar === CUSTOM) {
      const built = buildCalendar(draft);
      if ("errors" in built) {
        const count = Object.keys(built.errors).length;
        setDraftErrors(built.errors);
        setMessage({ kind: "error", text: `The calendar has ${count} ${count === 1 ? "problem" : "problems"}: see the marked fields.` });
        requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
        return;
      }
      setDraftErrors({});
      chosen = built.calendar;
    }
    try {
      const result = await createWorld({ variables: { input: { name: name.trim(), description, calendar: chosen } } });
      const cal = calendarOf(result.data?.createWorld.calendar);
      setMessage({ kind: "success", text: `World "${result.data?.createWorld.name}" created (${cal?.spec.name ?? calendar} calendar).` });
      setName("");
      setDescription("");
      setDraft(EMPTY_DRAFT);
    } catch (err) {
      setMessage({ kind: "error", text: describeError(err).message });
    }
  };
  return (
    <Panel title="Create a world">
      <form ref={formRef} onSubmit={onSubmit} className="flex flex-col gap-3" noValidate>
        <TextField label="World name" name="world-name" required value={name} onChange={(e) => setName(e.target.value)} />
        <TextField label="World description" name="world-description" value={description} onChange={(e) => setDescription(e.target.value)} />
        <Field label="Calendar">
          {(aria) => (
            <select className={inputClass} value={calendar} onChange={(e) => setCalendar(e.target.value)} {...aria}>
              {CALENDAR_PRESETS.map((p) => (
                <option key={p.value} value={p.value}>
                  {p.label}
                </option>
              ))}
              <option value={CUSTOM}>Custom calendar…</option>
            </select>
          )}
        </Field>
        {calendar === CUSTOM && <CalendarEditor draft={draft} errors={draftErrors} onChange={setDraft} />}
        {message && <Status kind={message.kind}>{message.text}</Status>}
        <Button tone="primary" type="submit" disabled={loading || !name.trim()}>
          Create world
        </Button>
      </form>
    </Panel>
  );
}

function CreateCampaignForm({ worlds }: { worlds: readonly { id: string; name: string; calendar: unknown }[] }) {
  const navigate = useNavigate();
  const [worldId, setWorldId] = useState("");
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [startTime, setStartTime] = useState("");
  const [error, setError] = useState<{ message: string; field: string | null } | null>(null);
  const [createCampaign, { loading }] = useMutation(CreateCampaignDocument, { refetchQueries: [CampaignListDocument] });
  const chosen = worldId || worlds[0]?.id || "";
  const calendar = calendarOf(worlds.find((w) => w.id === chosen)?.calendar);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const result = await createCampaign({
        variables: { input: { worldId: chosen, name: name.trim(), description, startTime: startTime.trim() || null } },
      });
      const id = result.data?.createCampaign.id;
      if (id) void navigate(`/campaigns/${id}/map`);
    } catch (err) {
      const info = describeError(err);
      setError({ message: info.message, field: info.field });
    }
  };
  return (
    <Panel title="Create a campaign">
      {worlds.length === 0 ? (
        <p className="text-sm text-slate-400">Create a world first: a campaign is played in a world.</p>
      ) : (
        <form onSubmit={onSubmit} className="flex flex-col gap-3">
          <Field label="World">
            {(aria) => (
              <select className={inputClass} value={chosen} onChange={(e) => setWorldId(e.target.value)} {...aria}>
                {worlds.map((w) => (
                  <option key={w.id} value={w.id}>
                    {w.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <TextField label="Campaign name" name="campaign-name" required value={name} onChange={(e) => setName(e.target.value)} />
          <TextField label="Campaign description" name="campaign-description" value={description} onChange={(e) => setDescription(e.target.value)} />
          <TextField
            label="Start (world time)"
            name="campaign-start"
            placeholder="YYYY-MM-DD HH:MM"
            value={startTime}
            onChange={(e) => setStartTime(e.target.value)}
            hint={calendar ? `In the ${calendar.spec.name} calendar; empty = the calendar's epoch.` : undefined}
            error={error?.field === "startTime" ? error.message : null}
          />
          {error && error.field !== "startTime" && <Status kind="error">{error.message}</Status>}
          <Button tone="primary" type="submit" disabled={loading || !name.trim() || !chosen}>
            Create campaign
          </Button>
        </form>
      )}
    </Panel>
  );
}
