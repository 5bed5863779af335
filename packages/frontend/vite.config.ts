/// <reference types="vitest/config" />
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig, type ProxyOptions } from "vite";

/** Where the dev and preview servers forward API traffic. */
const apiTarget = process.env.CAMPAIGN_API_URL ?? "http://127.0.0.1:3000";

/** Port for `npm run preview` (the built app). */
const previewPort = parsePort(process.env.FRONTEND_PORT ?? "8080", "FRONTEND_PORT");

function parsePort(raw: string, name: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${name} must be a port number between 1 and 65535, got "${raw}"`);
  }
  return port;
}

/**
 * Match a path prefix on whole segments only, so `/auth` and `/auth/login?x=1`
 * are proxied but a future SPA route such as `/authors` is not.
 * (Vite treats proxy keys starting with `^` as regular expressions.)
 */
function segment(prefix: string): string {
  return `^${prefix}(?:[/?#]|$)`;
}

function apiProxy(): Record<string, ProxyOptions> {
  const common: ProxyOptions = {
    target: apiTarget,
    // Keep the browser's Host header so the API sees the same origin the
    // browser does (cookies, CSRF/origin checks); add X-Forwarded-* headers.
    changeOrigin: false,
    xfwd: true,
  };
  return {
    [segment("/graphql")]: { ...common, ws: true },
    [segment("/auth")]: common,
    [segment("/health")]: common,
    [segment("/api")]: common,
    [segment("/metrics")]: common,
  };
}

export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: {
    host: "127.0.0.1",
    port: 5173,
    strictPort: true,
    proxy: apiProxy(),
  },
  preview: {
    host: "127.0.0.1",
    port: previewPort,
    strictPort: true,
    proxy: apiProxy(),
  },
  build: {
    outDir: "dist",
    assetsDir: "assets",
    rollupOptions: {
      output: {
        // React changes far less often than app code: keep it in its own
        // long-cacheable chunk. Routes are split with React.lazy (see App.tsx).
        manualChunks(id) {
          if (/[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/.test(id)) return "react";
          return undefined;
        },
      },
    },
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
    unstubGlobals: true,
  },
});
