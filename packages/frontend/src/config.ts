/**
 * Runtime configuration, fixed at build time from VITE_* variables.
 *
 * Everything defaults to same-origin relative paths: in development and in
 * `npm run preview` the Vite server proxies /graphql, /auth, /health, /api and
 * /metrics to the API, and in production the app is expected to be served
 * behind the same origin as the API.
 */

export interface AppConfig {
  /** Prefix for REST paths such as `/health/ready`; "" means same origin. Never ends in "/". */
  readonly apiUrl: string;
  /** GraphQL HTTP endpoint (absolute or same-origin relative). */
  readonly graphqlUrl: string;
  /**
   * GraphQL subscriptions endpoint. May be relative or use http(s); pass it
   * through {@link resolveWsUrl} before handing it to a WebSocket client.
   */
  readonly wsUrl: string;
}

export interface ConfigEnv {
  readonly VITE_API_URL?: string;
  readonly VITE_GRAPHQL_URL?: string;
  readonly VITE_WS_URL?: string;
}

function clean(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function stripTrailingSlashes(url: string): string {
  return url.replace(/\/+$/, "");
}

export function buildConfig(env: ConfigEnv): AppConfig {
  const apiUrl = stripTrailingSlashes(clean(env.VITE_API_URL) ?? "");
  const graphqlUrl = clean(env.VITE_GRAPHQL_URL) ?? `${apiUrl}/graphql`;
  const wsUrl = clean(env.VITE_WS_URL) ?? graphqlUrl;
  return { apiUrl, graphqlUrl, wsUrl };
}

/**
 * Turn a possibly relative or http(s) URL into an absolute ws(s) URL,
 * resolved against the page's location (https pages get wss).
 */
export function resolveWsUrl(url: string, base: string = window.location.href): string {
  const resolved = new URL(url, base);
  if (resolved.protocol === "http:") resolved.protocol = "ws:";
  else if (resolved.protocol === "https:") resolved.protocol = "wss:";
  return resolved.toString();
}

export const config: AppConfig = buildConfig(import.meta.env);
