import type { ReadinessReport } from "../api/health.ts";

/** Bodies exactly as the API sends them for GET /health/ready. */
export const readyBody = {
  status: "ready",
  checks: [
    { name: "database", ok: true, latency_ms: 1.7, error: null },
    { name: "redis", ok: true, latency_ms: 0.4, error: null },
    { name: "s3", ok: true, latency_ms: 12.3, error: null },
    { name: "rules_engine", ok: true, latency_ms: 3.1, error: null },
  ],
  failing: [],
} as const satisfies ReadinessReport;

export const notReadyBody = {
  status: "not_ready",
  checks: [
    { name: "database", ok: true, latency_ms: 1.7, error: null },
    { name: "redis", ok: true, latency_ms: 0.4, error: null },
    { name: "s3", ok: true, latency_ms: 12.3, error: null },
    { name: "rules_engine", ok: false, latency_ms: 5000.0, error: "timed out" },
  ],
  failing: ["rules_engine"],
} as const satisfies ReadinessReport;

export function jsonResponse(body: unknown, status: number): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}
