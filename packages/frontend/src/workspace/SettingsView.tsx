/** Settings: the campaign, its world calendar, members and roles (owners manage members). */
import { useMutation, useQuery } from "@apollo/client/react";
import { type FormEvent, useState } from "react";
import { describeError } from "../apollo/errors.ts";
import { Button, Field, inputClass, Panel, Status, TextField } from "../components/ui.tsx";
import { AddMemberDocument, MembersDocument, RemoveMemberDocument, type Role, UpdateMemberRoleDocument } from "../gql/graphql.ts";
import { useSession } from "../auth/session.ts";
import { useWorkspace } from "./context.ts";

const ROLES: readonly Role[] = ["OWNER", "GM", "PLAYER", "VIEWER"];

export default function SettingsView() {
  const ws = useWorkspace();
  const cal = ws.calendar;
  return (
    <div className="grid gap-4 p-4 xl:grid-cols-2">
      <Panel title="Campaign">
        <dl className="grid grid-cols-[9rem_1fr] gap-y-1 text-sm">
          <dt className="text-slate-400">Name</dt>
          <dd>{ws.campaign.name}</dd>
          <dt className="text-slate-400">Description</dt>
          <dd>{ws.campaign.description || "—"}</dd>
          <dt className="text-slate-400">Your role</dt>
          <dd>{ws.role}</dd>
          <dt className="text-slate-400">Calendar</dt>
          <dd>{cal ? `${cal.spec.name}: ${cal.monthCount} months, ${cal.spec.weekdays.length}-day weeks, ${cal.spd / cal.sph}-hour days` : "—"}</dd>
        </dl>
      </Panel>
      <Members />
    </div>
  );
}

function Members() {
  const ws = useWorkspace();
  const me = useSession((s) => s.user);
  const { data, error } = useQuery(MembersDocument, { variables: { campaignId: ws.campaign.id } });
  const [addMember, addState] = useMutation(AddMemberDocument, { refetchQueries: [MembersDocument] });
  const [updateRole] = useMutation(UpdateMemberRoleDocument, { refetchQueries: [MembersDocument] });
  const [removeMember] = useMutation(RemoveMemberDocument, { refetchQueries: [MembersDocument] });
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("PLAYER");
  const [message, setMessage] = useState<{ kind: "error" | "success"; text: string } | null>(null);

  const run = async (what: () => Promise<unknown>, ok: string) => {
    setMessage(null);
    try {
      await what();
      setMessage({ kind: "success", text: ok });
    } catch (e) {
      setMessage({ kind: "error", text: describeError(e).message });
    }
  };
  const onAdd = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await addMember({ variables: { campaignId: ws.campaign.id, email: email.trim(), role } });
      setEmail("");
    }, `${email.trim()} added as ${role.toLowerCase()}.`);
  };

  return (
    <Panel title="Members">
      {error && <Status kind="error">{describeError(error).message}</Status>}
      <ul className="divide-y divide-slate-800" data-testid="member-list">
        {(data?.members ?? []).map((m) => (
          <li key={m.userId} className="flex flex-wrap items-center gap-2 py-2 text-sm">
            <span className="flex-1">
              {m.name} <span className="text-slate-400">{m.email}</span>
            </span>
            {ws.isOwner && m.userId !== me?.id ? (
              <>
                <label className="sr-only" htmlFor={`role-${m.userId}`}>Role of {m.name}</label>
                <select id={`role-${m.userId}`} className={`${inputClass} w-32`} value={m.role} onChange={(e) => void run(() => updateRole({ variables: { campaignId: ws.campaign.id, userId: m.userId, role: e.target.value as Role } }), `${m.name} is now ${e.target.value.toLowerCase()}.`)}>
                  {ROLES.map((r) => <option key={r} value={r}>{r.toLowerCase()}</option>)}
                </select>
                <Button tone="ghost" aria-label={`Remove ${m.name}`} onClick={() => void run(() => removeMember({ variables: { campaignId: ws.campaign.id, userId: m.userId } }), `${m.name} removed.`)}>
                  Remove
                </Button>
              </>
            ) : (
              <span className="rounded bg-slate-800 px-2 py-0.5 text-xs uppercase">{m.role}</span>
            )}
          </li>
        ))}
      </ul>
      {ws.isOwner && (
        <form onSubmit={onAdd} className="mt-4 flex flex-wrap items-end gap-2" aria-label="Add a member">
          <TextField label="Email of the account to add" type="email" className="min-w-64 flex-1" value={email} onChange={(e) => setEmail(e.target.value)} required />
          <Field label="Role" className="w-32">
            {(aria) => (
              <select className={inputClass} value={role} onChange={(e) => setRole(e.target.value as Role)} {...aria}>
                {ROLES.map((r) => <option key={r} value={r}>{r.toLowerCase()}</option>)}
              </select>
            )}
          </Field>
          <Button tone="primary" type="submit" disabled={addState.loading || !email.trim()}>Add member</Button>
        </form>
      )}
      {message && <div className="mt-2"><Status kind={message.kind}>{message.text}</Status></div>}
    </Panel>
  );
}
