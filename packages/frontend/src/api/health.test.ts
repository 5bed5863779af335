import { describe, expect, it, vi } from "vitest";
import { jsonResponse, notReadyBody, readyBody } from "../test/fixtures.ts";
import { fetchReadiness, parseReadiness, READINESS_PATH, ReadinessParseError } from "./health.ts";

function mockFetch(impl: (url: string, init?: RequestInit) => Promise<Response>) {
  return vi.fn<typeof fetch>((input, init) => impl(String(input), init));
}

describe("parseReadiness", () => {
  it("accepts the ready payload unchanged", () => {
    expect(parseReadiness(structuredClone(readyBody))).toEqual(readyBody);
  });

  it("accepts the not-ready payload unchanged", () => {
    expect(parseReadiness(structuredClone(notReadyBody))).toEqual(notReadyBody);
  });

  it("defaults missing latency/error to null and derives failing when absent", () => {
    const report = parseReadiness({
      status: "not_ready",
      checks: [{ name: "redis", ok: false }],
    });
    expect(report.checks).toEqual([{ name: "redis", ok: false, latency_ms: null, error: null }]);
    expect(report.failing).toEqual(["redis"]);
  });

  it.each([
    ["a non-object", "ready"],
    ["an unknown status", { status: "degraded", checks: [], failing: [] }],
    ["checks that are not an array", { status: "ready", checks: {}, failing: [] }],
    ["a check without a name", { status: "ready", checks: [{ ok: true }], failing: [] }],
    ["a check with a string ok", { status: "ready", checks: [{ name: "s3", ok: "yes" }], failing: [] }],
    ["a non-numeric latency", { status: "ready", checks: [{ name: "s3", ok: true, latency_ms: "1" }] }],
    ["failing with non-strings", { status: "ready", checks: [], failing: [1] }],
  ])("rejects %s", (_label, body) => {
    expect(() => parseReadiness(body)).toThrow(ReadinessParseError);
  });
});

describe("fetchReadiness", () => {
  it("GETs /health/ready on the same origin by default and returns a ready report", async () => {
    const fetch = mockFetch(async () => jsonResponse(readyBody, 200));

    const result = await fetchReadiness({ fetch });

    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe(READINESS_PATH);
    expect(init?.method).toBe("GET");
    expect(init?.headers).toEqual({ Accept: "application/json" });
    expect(result).toEqual({ kind: "report", httpStatus: 200, report: readyBody });
  });

  it("prefixes a configured API base URL", async () => {
    const fetch = mockFetch(async () => jsonResponse(readyBody, 200));
    await fetchReadiness({ fetch, baseUrl: "https://api.example.test" });
    expect(fetch.mock.calls[0]![0]).toBe("https://api.example.test/health/ready");
  });

  it("treats HTTP 503 with a JSON body as a not-ready report", async () => {
    const fetch = mockFetch(async () => jsonResponse(notReadyBody, 503));

    const result = await fetchReadiness({ fetch });

    expect(result).toEqual({ kind: "report", httpStatus: 503, report: notReadyBody });
  });

  it("reports a network failure as unreachable", async () => {
    const fetch = mockFetch(async () => {
      throw new TypeError("Failed to fetch");
    });

    const result = await fetchReadiness({ fetch });

    expect(result).toEqual({ kind: "unreachable", reason: "Network error: Failed to fetch" });
  });

  it("reports a gateway error without a JSON body as unreachable", async () => {
    // What Vite's dev/preview proxy sends when the API is down.
    const fetch = mockFetch(async () => new Response("", { status: 500 }));

    const result = await fetchReadiness({ fetch });

    expect(result).toMatchObject({ kind: "unreachable" });
  });

  it("reports a non-JSON 4xx as an error", async () => {
    const fetch = mockFetch(async () => new Response("<html>Not found</html>", { status: 404 }));

    const result = await fetchReadiness({ fetch });

    expect(result).toEqual({
      kind: "error",
      httpStatus: 404,
      reason: "HTTP 404: response is not JSON",
    });
  });

  it("reports JSON that is not a readiness report as an error", async () => {
    const fetch = mockFetch(async () => jsonResponse({ detail: "Internal Server Error" }, 500));

    const result = await fetchReadiness({ fetch });

    expect(result).toMatchObject({ kind: "error", httpStatus: 500 });
  });

  it("gives up after the timeout and reports unreachable", async () => {
    vi.useFakeTimers();
    try {
      const fetch = mockFetch(
        (_url, init) =>
          new Promise<Response>((_resolve, reject) => {
            init?.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
          }),
      );

      const pending = fetchReadiness({ fetch, timeoutMs: 2_000 });
      await vi.advanceTimersByTimeAsync(2_000);

      await expect(pending).resolves.toEqual({ kind: "unreachable", reason: "No answer within 2 s" });
    } finally {
      vi.useRealTimers();
    }
  });

  it("rejects when the caller aborts", async () => {
    const controller = new AbortController();
    const fetch = mockFetch(
      (_url, init) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
        }),
    );

    const pending = fetchReadiness({ fetch, signal: controller.signal });
    controller.abort();

    await expect(pending).rejects.toBeDefined();
  });
});
