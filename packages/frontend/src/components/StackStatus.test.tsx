import { act, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ReadinessResult } from "../api/health.ts";
import type { ReadinessFetcher } from "../hooks/useReadiness.ts";
import { notReadyBody, readyBody } from "../test/fixtures.ts";
import { StackStatus } from "./StackStatus.tsx";

const ready: ReadinessResult = { kind: "report", httpStatus: 200, report: readyBody };
const notReady: ReadinessResult = { kind: "report", httpStatus: 503, report: notReadyBody };
const unreachable: ReadinessResult = { kind: "unreachable", reason: "Network error: Failed to fetch" };

function fetcherReturning(...results: ReadinessResult[]) {
  const fetcher = vi.fn<ReadinessFetcher>();
  for (const result of results) fetcher.mockResolvedValueOnce(result);
  return fetcher;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("StackStatus", () => {
  it("is an accessible region with a heading and shows 'Checking…' before the first answer", () => {
    render(<StackStatus fetcher={() => new Promise(() => {})} />);

    const panel = screen.getByRole("region", { name: "Stack status" });
    expect(panel).toHaveAttribute("data-testid", "stack-status");
    expect(within(panel).getByRole("heading", { level: 2, name: "Stack status" })).toBeInTheDocument();
    expect(screen.getByTestId("overall-status")).toHaveTextContent("Overall: Checking…");
  });

  it("renders every check with its label, a text status and latency when ready", async () => {
    render(<StackStatus fetcher={fetcherReturning(ready)} />);

    expect(await screen.findByText("Ready")).toBeInTheDocument();
    expect(screen.getByTestId("overall-status")).toHaveAttribute("data-status", "ready");
    expect(screen.getByTestId("status-summary")).toHaveTextContent("All 4 checks passing.");

    const list = screen.getByRole("list", { name: "Dependency checks" });
    const items = within(list).getAllByRole("listitem");
    expect(items).toHaveLength(4);
    for (const name of ["database", "redis", "s3", "rules_engine"]) {
      const row = screen.getByTestId(`check-${name}`);
      expect(list).toContainElement(row);
      expect(row).toHaveTextContent("OK");
      expect(row).toHaveAttribute("data-ok", "true");
    }
    expect(screen.getByTestId("check-database")).toHaveTextContent("Database: OK, latency 1.7 ms");
    expect(screen.getByTestId("check-s3")).toHaveTextContent("Object storage (S3)");
  });

  it("marks failing checks in text and announces them in a polite live region", async () => {
    render(<StackStatus fetcher={fetcherReturning(notReady)} />);

    expect(await screen.findByText("Not ready")).toBeInTheDocument();

    const live = screen.getByRole("status");
    expect(live).toHaveAttribute("aria-live", "polite");
    expect(live).toContainElement(screen.getByTestId("overall-status"));
    expect(live).toHaveTextContent("Overall: Not ready");
    expect(live).toHaveTextContent("Failing: Rules engine (timed out).");

    const failing = screen.getByTestId("check-rules_engine");
    expect(failing).toHaveAttribute("data-ok", "false");
    expect(failing).toHaveTextContent("Rules engine: Failing, latency 5.0 s");
    expect(failing).toHaveTextContent("5.0 s, error: timed out");
    expect(screen.getByTestId("check-database")).toHaveTextContent("OK");
  });

  it("shows 'API unreachable' when the API cannot be reached", async () => {
    render(<StackStatus fetcher={fetcherReturning(unreachable)} />);

    expect(await screen.findByText("API unreachable")).toBeInTheDocument();
    expect(screen.getByTestId("overall-status")).toHaveAttribute("data-status", "unreachable");
    expect(screen.getByRole("status")).toHaveTextContent("Network error: Failed to fetch");
    expect(screen.queryByRole("list")).not.toBeInTheDocument();
  });

  it("treats a fetcher that throws as unreachable", async () => {
    render(<StackStatus fetcher={() => Promise.reject(new Error("boom"))} />);

    expect(await screen.findByText("API unreachable")).toBeInTheDocument();
  });

  it("shows 'Status unknown' for an unexpected response", async () => {
    const error: ReadinessResult = { kind: "error", httpStatus: 404, reason: "HTTP 404: response is not JSON" };
    render(<StackStatus fetcher={fetcherReturning(error)} />);

    expect(await screen.findByText("Status unknown")).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("HTTP 404");
  });

  it("refreshes every 10 seconds and updates the announced status", async () => {
    vi.useFakeTimers();
    const fetcher = fetcherReturning(notReady, ready, unreachable);
    render(<StackStatus fetcher={fetcher} />);
    await act(() => vi.advanceTimersByTimeAsync(0));

    expect(fetcher).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId("overall-status")).toHaveTextContent("Overall: Not ready");

    await act(() => vi.advanceTimersByTimeAsync(9_999));
    expect(fetcher).toHaveBeenCalledTimes(1);

    await act(() => vi.advanceTimersByTimeAsync(1));
    expect(fetcher).toHaveBeenCalledTimes(2);
    expect(screen.getByTestId("overall-status")).toHaveTextContent("Overall: Ready");
    expect(screen.getByTestId("check-rules_engine")).toHaveTextContent("OK");

    await act(() => vi.advanceTimersByTimeAsync(10_000));
    expect(fetcher).toHaveBeenCalledTimes(3);
    expect(screen.getByTestId("overall-status")).toHaveTextContent("Overall: API unreachable");
  });

  it("stops polling and aborts the request on unmount", async () => {
    vi.useFakeTimers();
    let signal: AbortSignal | undefined;
    const fetcher = vi.fn<ReadinessFetcher>((options) => {
      signal = options.signal;
      return new Promise(() => {});
    });
    const { unmount } = render(<StackStatus fetcher={fetcher} />);
    await act(() => vi.advanceTimersByTimeAsync(0));

    unmount();

    expect(signal?.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(fetcher).toHaveBeenCalledTimes(1);
  });
});
