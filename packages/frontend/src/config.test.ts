import { describe, expect, it } from "vitest";
import { buildConfig, resolveWsUrl } from "./config.ts";

describe("buildConfig", () => {
  it("defaults to same-origin relative paths", () => {
    expect(buildConfig({})).toEqual({ apiUrl: "", graphqlUrl: "/graphql", wsUrl: "/graphql" });
  });

  it("treats blank values as unset", () => {
    expect(buildConfig({ VITE_API_URL: "  ", VITE_GRAPHQL_URL: "", VITE_WS_URL: "" })).toEqual({
      apiUrl: "",
      graphqlUrl: "/graphql",
      wsUrl: "/graphql",
    });
  });

  it("derives GraphQL and WebSocket URLs from VITE_API_URL", () => {
    expect(buildConfig({ VITE_API_URL: "https://api.example.test/" })).toEqual({
      apiUrl: "https://api.example.test",
      graphqlUrl: "https://api.example.test/graphql",
      wsUrl: "https://api.example.test/graphql",
    });
  });

  it("honours explicit VITE_GRAPHQL_URL and VITE_WS_URL", () => {
    expect(
      buildConfig({
        VITE_API_URL: "https://api.example.test",
        VITE_GRAPHQL_URL: "https://gql.example.test/graphql",
        VITE_WS_URL: "wss://ws.example.test/subscriptions",
      }),
    ).toEqual({
      apiUrl: "https://api.example.test",
      graphqlUrl: "https://gql.example.test/graphql",
      wsUrl: "wss://ws.example.test/subscriptions",
    });
  });
});

describe("resolveWsUrl", () => {
  it("resolves a relative path against the page with the matching ws scheme", () => {
    expect(resolveWsUrl("/graphql", "http://127.0.0.1:8080/campaigns")).toBe("ws://127.0.0.1:8080/graphql");
    expect(resolveWsUrl("/graphql", "https://gm.example.test/")).toBe("wss://gm.example.test/graphql");
  });

  it("converts http(s) URLs and leaves ws(s) URLs alone", () => {
    expect(resolveWsUrl("https://api.example.test/graphql", "http://x/")).toBe("wss://api.example.test/graphql");
    expect(resolveWsUrl("ws://api.example.test/graphql", "https://x/")).toBe("ws://api.example.test/graphql");
  });
});
