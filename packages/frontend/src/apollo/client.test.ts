import { describe, expect, it, vi, beforeEach } from "vitest";
import { login, useSession } from "../auth/session.ts";
import { clearTokens, storedRefreshToken } from "../auth/tokens.ts";
import { CampaignListDocument } from "../gql/graphql.ts";
import { fakeApi, graphqlError, tokens } from "../test/network.ts";
import { createApolloClient } from "./client.ts";
import { describeError } from "./errors.ts";

const campaigns = { data: { campaigns: [], worlds: [] } };

beforeEach(() => {
  clearTokens();
  localStorage.clear();
  useSession.setState({ status: "unknown", user: null });
});

describe("the auth link", () => {
  it("sends the access token as a bearer token", async () => {
    const api = fakeApi({ CampaignList: () => campaigns }, { "/auth/login": () => ({ status: 200, body: tokens("a1", "r1") }) });
    vi.stubGlobal("fetch", api.fetch);
    await login("gm@example.com", "pw");

    const result = await createApolloClient().query({ query: CampaignListDocument });

    expect(result.data).toEqual({ campaigns: [], worlds: [] });
    expect(api.operations("CampaignList")[0]!.headers.authorization).toBe("Bearer a1");
  });

  it("on UNAUTHENTICATED refreshes once and retries with the new token", async () => {
    const api = fakeApi(
      { CampaignList: ({ headers }) => (headers.authorization === "Bearer a2" ? campaigns : graphqlError("UNAUTHENTICATED", "invalid access token")) },
      { "/auth/login": () => ({ status: 200, body: tokens("a1", "r1") }), "/auth/refresh": () => ({ status: 200, body: tokens("a2", "r2") }) },
    );
    vi.stubGlobal("fetch", api.fetch);
    await login("gm@example.com", "pw");

    const result = await createApolloClient().query({ query: CampaignListDocument });

    expect(result.data).toEqual({ campaigns: [], worlds: [] });
    expect(api.requests.map((r) => r.url)).toEqual(["/auth/login", "/graphql", "/auth/refresh", "/graphql"]);
    expect(storedRefreshToken()).toBe("r2");
  });

  it("gives up after one refresh and ends the session when the refresh is refused", async () => {
    const api = fakeApi(
      { CampaignList: () => graphqlError("UNAUTHENTICATED", "invalid access token") },
      {
        "/auth/login": () => ({ status: 200, body: tokens("a1", "r1") }),
        "/auth/refresh": () => ({ status: 401, body: { error: { code: "UNAUTHENTICATED", message: "revoked" } } }),
      },
    );
    vi.stubGlobal("fetch", api.fetch);
    await login("gm@example.com", "pw");

    const error = await createApolloClient()
      .query({ query: CampaignListDocument })
      .catch((e: unknown) => e);

    expect(describeError(error).code).toBe("UNAUTHENTICATED");
    expect(api.operations("CampaignList")).toHaveLength(1);
    expect(useSession.getState().status).toBe("anonymous");
  });

  it("does not try to refresh for other errors", async () => {
    const api = fakeApi(
      { CampaignList: () => graphqlError("FORBIDDEN") },
      { "/auth/login": () => ({ status: 200, body: tokens("a1", "r1") }) },
    );
    vi.stubGlobal("fetch", api.fetch);
    await login("gm@example.com", "pw");

    const error = await createApolloClient()
      .query({ query: CampaignListDocument })
      .catch((e: unknown) => e);

    expect(describeError(error)).toMatchObject({ code: "FORBIDDEN", message: "You do not have permission to do that in this campaign." });
    expect(api.requests.filter((r) => r.url === "/auth/refresh")).toHaveLength(0);
  });
});

describe("describeError", () => {
  it("explains a CONFLICT with the current version", async () => {
    const api = fakeApi({ CampaignList: () => graphqlError("CONFLICT", "version mismatch", { expectedVersion: 1, currentVersion: 4 }) }, {});
    vi.stubGlobal("fetch", api.fetch);
    const error = await createApolloClient()
      .query({ query: CampaignListDocument })
      .catch((e: unknown) => e);
    expect(describeError(error)).toMatchObject({ code: "CONFLICT", message: expect.stringContaining("it is now at version 4") });
  });

  it("exposes the field of a validation error", async () => {
    const api = fakeApi({ CampaignList: () => graphqlError("VALIDATION_FAILED", "name is required", { field: "name" }) }, {});
    vi.stubGlobal("fetch", api.fetch);
    const error = await createApolloClient()
      .query({ query: CampaignListDocument })
      .catch((e: unknown) => e);
    expect(describeError(error)).toMatchObject({ code: "VALIDATION_FAILED", field: "name", message: "name is required" });
  });

  it("recognises network failures", () => {
    expect(describeError(new TypeError("Failed to fetch")).code).toBe("NETWORK");
  });
});
