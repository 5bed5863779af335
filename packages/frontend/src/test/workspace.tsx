/** Rendering a workspace view in tests: a real Apollo Client on a fake API, a router, the workspace context. */
import type { ApolloClient } from "@apollo/client";
import { ApolloProvider } from "@apollo/client/react";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter } from "react-router";
import { createApolloClient } from "../apollo/client.ts";
import type { BranchFieldsFragment, Role } from "../gql/graphql.ts";
import { Calendar } from "../lib/calendar.ts";
import { WorkspaceContext, type WorkspaceCampaign, type WorkspaceValue } from "../workspace/context.ts";
import { PRESETS } from "./calendars.ts";

export const kindled = new Calendar(PRESETS.kindled!.calendar);

export function branch(overrides: Partial<BranchFieldsFragment> = {}): BranchFieldsFragment & { __typename: "Branch" } {
  return {
    __typename: "Branch",
    id: "b-main",
    campaignId: "c1",
    parentId: null,
    name: "main",
    description: "",
    forkTime: "1200-01-01 00:00:00",
    worldTime: "1200-02-01 00:00:00",
    worldTimeSeconds: kindled.parseIso("1200-02-01"),
    version: 3,
    color: null,
    pinned: false,
    tags: [],
    createdAt: "2026-01-01T00:00:00+00:00",
    ...overrides,
  };
}

const COMMON = {
  campaignId: "c1",
  branchId: "b-main",
  version: 1,
  versionId: "v1",
  validFrom: "1200-01-01 00:00:00",
  validTo: null,
  deleted: false,
  recordedAt: "2026-01-01T00:00:00+00:00",
  recordedBy: "u1",
  description: "",
  gmNotes: "",
  hidden: false,
  archivedAt: null,
};

const OWN: Record<string, Record<string, unknown>> = {
  Party: { levelOverride: null, variables: {} },
  Character: { partyId: null, level: 1, race: null, class: null, isNpc: false, ownerUserId: null, variables: {} },
  Kingdom: { level: 1, variables: {} },
  Settlement: { kingdomId: null, locationId: null, level: 1, population: 0, variables: {} },
  Structure: { settlementId: null, type: null, level: 1, condition: null, operational: true, variables: {} },
  Location: { kind: "POINT", geometry: null, parentId: null },
  Event: { eventType: "STORY", locationId: null, scheduledAt: null, expiresAt: null, status: "PLANNED", occurredAt: null },
  Encounter: { locationId: null, difficulty: null, scheduledAt: null, status: "PENDING", resolvedAt: null },
};

/** A complete row of an entity list as the API returns it (with `__typename`, which Apollo asks for). */
export function row(typename: keyof typeof OWN, fields: { id: string; name: string } & Record<string, unknown>) {
  return { __typename: typename, ...COMMON, ...OWN[typename], ...fields };
}

export function workspaceValue(overrides: Partial<WorkspaceValue> & { role?: Role } = {}): WorkspaceValue {
  const main = branch();
  const branches = [main, branch({ id: "b-fork", parentId: "b-main", name: "what-if", forkTime: "1200-01-15 00:00:00" })];
  const role = overrides.role ?? "OWNER";
  const campaign: WorkspaceCampaign = {
    id: "c1",
    name: "The Ember Road",
    description: "",
    worldId: "w1",
    myRole: role,
    settings: {},
    mainBranch: main,
    branches,
  };
  return {
    campaign,
    branches,
    branch: main,
    calendar: kindled,
    role,
    isGm: role === "OWNER" || role === "GM",
    isOwner: role === "OWNER",
    asOf: null,
    announce: () => {},
    refetchWorkspace: () => {},
    ...overrides,
  };
}

export function renderInWorkspace(ui: ReactNode, value: WorkspaceValue = workspaceValue(), client: ApolloClient = createApolloClient()) {
  return render(
    <ApolloProvider client={client}>
      <MemoryRouter>
        <WorkspaceContext.Provider value={value}>{ui}</WorkspaceContext.Provider>
      </MemoryRouter>
    </ApolloProvider>,
  );
}
