/**
 * Client for the API's readiness endpoint, `GET /health/ready`.
 *
 * The API answers HTTP 200 when every dependency is healthy and HTTP 503 when
 * not; both carry the same JSON body:
 *
 *   {"status": "ready" | "not_ready",
 *    "checks": [{"name": "database", "ok": true, "latency_ms": 1.7, "error": null}, ...],
 *    "failing": ["rules_engine"]}
 */
import { config } from "../config.ts";

export const READINESS_PATH = "/health/ready";

/** Give up on a request after this long; the API's own dependency checks time out at 5 s. */
export const DEFAULT_TIMEOUT_MS = 8_000;

export type ReadinessStatus = "ready" | "not_ready";

export interface HealthCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly latency_ms: number | null;
  readonly error: string | null;
}

export interface ReadinessReport {
  readonly status: ReadinessStatus;
  readonly checks: readonly HealthCheck[];
  readonly failing: readonly string[];
}

export type ReadinessResult =
  /** The API answered with a readiness report (HTTP 200 or 503). */
  | { readonly kind: "report"; readonly httpStatus: number; readonly report: ReadinessReport }
  /** No answer from the API: network failure, timeout, or a gateway error without a report. */
  | { readonly kind: "unreachable"; readonly reason: string }
  /** Something answered, but not with a readiness report. */
  | { readonly kind: "error"; readonly httpStatus: number; readonly reason: string };

export class ReadinessParseError extends Error {
  override name = "ReadinessParseError";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseCheck(value: unknown, index: number): HealthCheck {
  const where = `checks[${index}]`;
  if (!isRecord(value)) throw new ReadinessParseError(`${where} is not an object`);
  const { name, ok, latency_ms: latency, error } = value;
  if (typeof name !== "string" || name === "") {
    throw new ReadinessParseError(`${where}.name is not a non-empty string`);
  }
  if (typeof ok !== "boolean") throw new ReadinessParseError(`${where}.ok is not a boolean`);
  if (latency != null && (typeof latency !== "number" || !Number.isFinite(latency))) {
    throw new ReadinessParseError(`${where}.latency_ms is not a number`);
  }
  if (error != null && typeof error !== "string") {
    throw new ReadinessParseError(`${where}.error is not a string`);
  }
  return { name, ok, latency_ms: latency ?? null, error: error ?? null };
}

/** Validate a decoded JSON body. Throws {@link ReadinessParseError} if it is not a readiness report. */
export function parseReadiness(body: unknown): ReadinessReport {
  if (!isRecord(body)) throw new ReadinessParseError("body is not a JSON object");
  const { status, checks, failing } = body;
  if (status !== "ready" && status !== "not_ready") {
    throw new ReadinessParseError(`unknown status ${JSON.stringify(status)}`);
  }
  if (!Array.isArray(checks)) throw new ReadinessParseError("checks is not an array");
  const parsedChecks = checks.map(parseCheck);

  let failingNames: string[];
  if (failing === undefined) {
    failingNames = parsedChecks.filter((check) => !check.ok).map((check) => check.name);
  } else if (Array.isArray(failing) && failing.every((item) => typeof item === "string")) {
    failingNames = [...failing];
  } else {
    throw new ReadinessParseError("failing is not an array of strings");
  }
  return { status, checks: parsedChecks, failing: failingNames };
}

export interface FetchReadinessOptions {
  /** Defaults to the global `fetch`. */
  readonly fetch?: typeof globalThis.fetch;
  /** Prefix for the path; defaults to `config.apiUrl` ("" = same origin). */
  readonly baseUrl?: string;
  /** Aborting it rejects the returned promise with the abort reason. */
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

function describeNetworkError(error: unknown): string {
  const detail = error instanceof Error ? error.message : String(error);
  return detail ? `Network error: ${detail}` : "Network error";
}

/**
 * Fetch and classify the readiness report. Resolves for every outcome the UI
 * shows (report, unreachable, error); rejects only when `options.signal` is aborted.
 */
export async function fetchReadiness(options: FetchReadinessOptions = {}): Promise<ReadinessResult> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const url = `${options.baseUrl ?? config.apiUrl}${READINESS_PATH}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const callerSignal = options.signal;
  callerSignal?.throwIfAborted();

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const forwardAbort = () => controller.abort();
  callerSignal?.addEventListener("abort", forwardAbort, { once: true });

  let status: number;
  let text: string;
  try {
    const response = await fetchImpl(url, {
      method: "GET",
      headers: { Accept: "application/json" },
      cache: "no-store",
      credentials: "same-origin",
      signal: controller.signal,
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    callerSignal?.throwIfAborted();
    if (timedOut) {
      return { kind: "unreachable", reason: `No answer within ${timeoutMs / 1000} s` };
    }
    return { kind: "unreachable", reason: describeNetworkError(error) };
  } finally {
    clearTimeout(timer);
    callerSignal?.removeEventListener("abort", forwardAbort);
  }

  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // A 5xx without a JSON body comes from a proxy or gateway that could not
    // reach the API (Vite's proxy answers 500 with an empty body).
    if (status >= 500) {
      return { kind: "unreachable", reason: `HTTP ${status} without a readiness report` };
    }
    return { kind: "error", httpStatus: status, reason: `HTTP ${status}: response is not JSON` };
  }

  try {
    return { kind: "report", httpStatus: status, report: parseReadiness(body) };
  } catch (error) {
    if (!(error instanceof ReadinessParseError)) throw error;
    return {
      kind: "error",
      httpStatus: status,
      reason: `HTTP ${status}: unexpected readiness report (${error.message})`,
    };
  }
}
