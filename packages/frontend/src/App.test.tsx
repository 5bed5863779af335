import { render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { App } from "./App.tsx";
import { jsonResponse, notReadyBody } from "./test/fixtures.ts";

describe("App", () => {
  it("shows the product name and the stack status from /health/ready", async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(async () => jsonResponse(notReadyBody, 503));
    vi.stubGlobal("fetch", fetch);

    render(<App />);

    expect(screen.getByRole("heading", { level: 1, name: "Campaign Manager" })).toBeInTheDocument();
    expect(await screen.findByTestId("stack-status")).toBeInTheDocument();
    expect(await screen.findByText("Not ready")).toBeInTheDocument();
    expect(screen.getByTestId("check-rules_engine")).toHaveTextContent("Failing");
    expect(fetch).toHaveBeenCalledWith("/health/ready", expect.objectContaining({ method: "GET" }));
  });
});
