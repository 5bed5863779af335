import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { App, safeNext } from "./App.tsx";
import { useSession } from "./auth/session.ts";
import { clearTokens } from "./auth/tokens.ts";
import { jsonResponse, notReadyBody } from "./test/fixtures.ts";
import { fakeApi, tokens } from "./test/network.ts";

beforeEach(() => {
  clearTokens();
  localStorage.clear();
  useSession.setState({ status: "unknown", user: null });
  window.history.pushState({}, "", "/");
});

describe("App", () => {
  it("sends anonymous visitors to the sign-in page, which shows the stack status", async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(async () => jsonResponse(notReadyBody, 503));
    vi.stubGlobal("fetch", fetch);

    render(<App />);

    expect(screen.getByRole("heading", { level: 1, name: "Campaign Manager" })).toBeInTheDocument();
    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeInTheDocument();
    expect(window.location.pathname).toBe("/login");
    expect(await screen.findByTestId("stack-status")).toBeInTheDocument();
    expect(await screen.findByText("Not ready")).toBeInTheDocument();
    expect(screen.getByTestId("check-rules_engine")).toHaveTextContent("Failing");
    expect(fetch).toHaveBeenCalledWith("/health/ready", expect.objectContaining({ method: "GET" }));
  });

  it("signs in and lists the campaigns from GraphQL", async () => {
    const api = fakeApi(
      {
        CampaignList: () => ({
          data: {
            campaigns: [{ id: "c1", name: "Crownfall", description: "", worldId: "w1", myRole: "GM", mainBranch: { id: "b1", worldTime: "4710-01-01 00:00:00" } }],
            worlds: [{ id: "w1", name: "Eldmoor", description: "", calendar: "gregorian" }],
          },
        }),
      },
      {
        "/health/ready": () => ({ status: 200, body: { status: "ready", checks: [], failing: [] } }),
        "/auth/login": (body) =>
          (body as { password: string }).password === "right password"
            ? { status: 200, body: tokens() }
            : { status: 401, body: { error: { code: "UNAUTHENTICATED", message: "invalid email or password" } } },
      },
    );
    vi.stubGlobal("fetch", api.fetch);
    window.history.pushState({}, "", "/campaigns");
    const user = userEvent.setup();

    render(<App />);

    await user.type(await screen.findByLabelText("Email"), "gm@example.com");
    await user.type(screen.getByLabelText("Password"), "wrong");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("invalid email or password");

    await user.clear(screen.getByLabelText("Password"));
    await user.type(screen.getByLabelText("Password"), "right password");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    const list = await screen.findByTestId("campaign-list");
    expect(within(list).getByRole("link", { name: "Crownfall" })).toHaveAttribute("href", "/campaigns/c1/map");
    expect(list).toHaveTextContent("GM");
    expect(window.location.pathname).toBe("/campaigns");
    expect(screen.getByTestId("current-user")).toHaveTextContent("Gamemaster");
    expect(api.operations("CampaignList")[0]!.headers.authorization).toBe("Bearer access-1");
  });
});

describe("safeNext", () => {
  it("only follows paths on this site", () => {
    expect(safeNext("?next=%2Fcampaigns%2Fc1%2Fmap")).toBe("/campaigns/c1/map");
    expect(safeNext("?next=https%3A%2F%2Fevil.example")).toBe("/campaigns");
    expect(safeNext("?next=%2F%2Fevil.example")).toBe("/campaigns");
    expect(safeNext("")).toBe("/campaigns");
  });
});
