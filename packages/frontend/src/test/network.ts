/**
 * A fake API at the network edge: a `fetch` that answers GraphQL operations by name and REST auth
 * paths, and records every request. Components and the Apollo Client above it run for real.
 */
import { vi } from "vitest";
import type { TokenResponse } from "../auth/tokens.ts";

export interface RecordedRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

export interface GraphqlRequest {
  readonly operationName: string;
  readonly variables: Record<string, unknown>;
  readonly headers: Record<string, string>;
}

/** A handler returns `{data}` / `{errors}` (a GraphQL response) for one operation. */
export type GraphqlHandler = (request: GraphqlRequest) => unknown;
export type RestHandler = (body: unknown, headers: Record<string, string>) => { status: number; body?: unknown };

export interface FakeApi {
  readonly fetch: ReturnType<typeof vi.fn<typeof fetch>>;
  readonly requests: RecordedRequest[];
  /** GraphQL requests, in order. */
  operations(name?: string): GraphqlRequest[];
}

export function json(body: unknown, status = 200): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

function headersOf(init?: RequestInit): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(init?.headers).forEach((value, key) => {
    out[key.toLowerCase()] = value;
  });
  return out;
}

export function fakeApi(graphql: Record<string, GraphqlHandler>, rest: Record<string, RestHandler> = {}): FakeApi {
  const requests: RecordedRequest[] = [];
  const fetchMock = vi.fn<typeof fetch>(async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.toString() : input.url;
    const headers = headersOf(init);
    const body = typeof init?.body === "string" ? (JSON.parse(init.body) as unknown) : null;
    requests.push({ url, headers, body });
    const path = new URL(url, "http://localhost").pathname;
    if (path === "/graphql") {
      const { operationName, variables } = body as { operationName: string; variables?: Record<string, unknown> };
      const handler = graphql[operationName];
      if (!handler) throw new Error(`no fake for GraphQL operation ${operationName}`);
      return json(handler({ operationName, variables: variables ?? {}, headers }));
    }
    const handler = rest[path];
    if (!handler) throw new Error(`no fake for ${path}`);
    const answer = handler(body, headers);
    return json(answer.body, answer.status);
  });
  return {
    fetch: fetchMock,
    requests,
    operations: (name) =>
      requests
        .filter((r) => new URL(r.url, "http://localhost").pathname === "/graphql")
        .map((r) => {
          const b = r.body as { operationName: string; variables?: Record<string, unknown> };
          return { operationName: b.operationName, variables: b.variables ?? {}, headers: r.headers };
        })
        .filter((r) => !name || r.operationName === name),
  };
}

export function tokens(access = "access-1", refresh = "refresh-1", user = { id: "u1", email: "gm@example.com", name: "Gamemaster" }): TokenResponse {
  return { access_token: access, refresh_token: refresh, token_type: "bearer", expires_in: 900, user };
}

export function graphqlError(code: string, message = code.toLowerCase(), details: Record<string, unknown> = {}) {
  return { data: null, errors: [{ message, path: ["x"], extensions: { code, details } }] };
}
