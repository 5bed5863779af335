import { createContext, useContext } from "react";
import type { BranchFieldsFragment, Role, WorkspaceQuery } from "../gql/graphql.ts";
import type { Calendar } from "../lib/calendar.ts";

export type WorkspaceCampaign = NonNullable<WorkspaceQuery["campaign"]>;

export interface WorkspaceValue {
  readonly campaign: WorkspaceCampaign;
  readonly branches: readonly BranchFieldsFragment[];
  /** The branch every view reads and writes. */
  readonly branch: BranchFieldsFragment;
  /** The world's calendar (null while loading or if the world can't be read). */
  readonly calendar: Calendar | null;
  readonly role: Role | null;
  /** OWNER or GM: may write, sees GM-only controls. Players and viewers get the player view. */
  readonly isGm: boolean;
  readonly isOwner: boolean;
  /** The scrubber as a `WorldTime` argument (integer seconds), or null for "now". */
  readonly asOf: number | null;
  /** Say something to screen readers (and show it in the status line). */
  announce(message: string): void;
  refetchWorkspace(): void;
}

export const WorkspaceContext = createContext<WorkspaceValue | null>(null);

export function useWorkspace(): WorkspaceValue {
  const value = useContext(WorkspaceContext);
  if (!value) throw new Error("useWorkspace() outside a campaign workspace");
  return value;
}

/** Variables shared by every branch-scoped list query. */
export function scope(ws: WorkspaceValue): { campaignId: string; branchId: string; asOf: number | null } {
  return { campaignId: ws.campaign.id, branchId: ws.branch.id, asOf: ws.asOf };
}
