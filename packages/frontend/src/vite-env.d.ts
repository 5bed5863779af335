/// <reference types="vite/client" />

/** Build-time variables (read by Vite when `npm run build` / `npm run dev` starts). */
interface ImportMetaEnv {
  /** Base URL of the API for REST paths such as /health; empty or unset = same origin. */
  readonly VITE_API_URL?: string;
  /** GraphQL HTTP endpoint; defaults to `${VITE_API_URL}/graphql` (i.e. `/graphql`). */
  readonly VITE_GRAPHQL_URL?: string;
  /** GraphQL subscriptions WebSocket endpoint; defaults to the GraphQL URL (ws/wss scheme). */
  readonly VITE_WS_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
