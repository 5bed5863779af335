import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeApi, tokens } from "../test/network.ts";
import { AuthError, accessToken, bootstrapSession, login, logout, onSignedOut, refreshSession, register, useSession } from "./session.ts";
import { clearTokens, currentAccessToken, REFRESH_TOKEN_KEY, storedRefreshToken } from "./tokens.ts";

beforeEach(() => {
  clearTokens();
  localStorage.clear();
  useSession.setState({ status: "unknown", user: null });
});

afterEach(() => {
  vi.useRealTimers();
});

describe("login and register", () => {
  it("keeps the access token in memory and the refresh token in localStorage", async () => {
    const api = fakeApi({}, { "/auth/login": () => ({ status: 200, body: tokens("a1", "r1") }) });
    vi.stubGlobal("fetch", api.fetch);

    const user = await login("gm@example.com", "correct horse");

    expect(user.name).toBe("Gamemaster");
    expect(api.requests[0]!.body).toEqual({ email: "gm@example.com", password: "correct horse" });
    expect(currentAccessToken()).toBe("a1");
    expect(localStorage.getItem(REFRESH_TOKEN_KEY)).toBe("r1");
    expect(JSON.stringify(localStorage)).not.toContain("a1");
    expect(useSession.getState()).toEqual({ status: "authenticated", user: { id: "u1", email: "gm@example.com", name: "Gamemaster" } });
  });

  it("turns the API's error into an AuthError with its code and fields", async () => {
    const api = fakeApi(
      {},
      {
        "/auth/register": () => ({
          status: 422,
          body: { error: { code: "VALIDATION_FAILED", message: "invalid request: password must be 8 to 256 characters long", details: { field: "password", fields: { password: "must be 8 to 256 characters long" } } } },
        }),
      },
    );
    vi.stubGlobal("fetch", api.fetch);

    const error = await register("GM", "gm@example.com", "short").catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: "VALIDATION_FAILED", status: 422, field: "password", fields: { password: "must be 8 to 256 characters long" } });
    expect(useSession.getState().status).toBe("unknown");
  });

  it("says so when the server is unreachable or rate limits", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))));
    await expect(login("a@b.c", "x")).rejects.toMatchObject({ code: "NETWORK" });
    vi.stubGlobal("fetch", fakeApi({}, { "/auth/login": () => ({ status: 429, body: { error: { code: "RATE_LIMITED", message: "slow down" } } }) }).fetch);
    await expect(login("a@b.c", "x")).rejects.toMatchObject({ code: "RATE_LIMITED", message: expect.stringMatching(/Too many attempts/) });
  });
});

describe("refresh", () => {
  it("sends one refresh at a time and rotates the stored refresh token", async () => {
    localStorage.setItem(REFRESH_TOKEN_KEY, "r1");
    const api = fakeApi({}, { "/auth/refresh": () => ({ status: 200, body: tokens("a2", "r2") }) });
    vi.stubGlobal("fetch", api.fetch);

    const [a, b] = await Promise.all([refreshSession(), refreshSession()]);

    expect([a, b]).toEqual([true, true]);
    expect(api.fetch).toHaveBeenCalledTimes(1);
    expect(api.requests[0]!.body).toEqual({ refresh_token: "r1" });
    expect(storedRefreshToken()).toBe("r2");
    expect(currentAccessToken()).toBe("a2");
  });

  it("ends the session when the server refuses the refresh token", async () => {
    localStorage.setItem(REFRESH_TOKEN_KEY, "stolen-and-reused");
    vi.stubGlobal("fetch", fakeApi({}, { "/auth/refresh": () => ({ status: 401, body: { error: { code: "UNAUTHENTICATED", message: "invalid or expired refresh token" } } }) }).fetch);
    const listener = vi.fn();
    const off = onSignedOut(listener);

    await expect(refreshSession()).resolves.toBe(false);
    off();

    expect(listener).toHaveBeenCalledTimes(1);
    expect(storedRefreshToken()).toBeNull();
    expect(useSession.getState().status).toBe("anonymous");
  });

  it("keeps the refresh token when the server is down (retry later)", async () => {
    localStorage.setItem(REFRESH_TOKEN_KEY, "r1");
    vi.stubGlobal("fetch", fakeApi({}, { "/auth/refresh": () => ({ status: 503, body: { error: { code: "UNAVAILABLE", message: "down" } } }) }).fetch);
    await expect(refreshSession()).rejects.toBeInstanceOf(AuthError);
    expect(storedRefreshToken()).toBe("r1");
  });

  it("refreshes an expired access token before using it", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-01-01T00:00:00Z"));
    const api = fakeApi({}, { "/auth/login": () => ({ status: 200, body: tokens("a1", "r1") }), "/auth/refresh": () => ({ status: 200, body: tokens("a2", "r2") }) });
    vi.stubGlobal("fetch", api.fetch);
    await login("gm@example.com", "pw");
    expect(await accessToken()).toBe("a1");

    vi.setSystemTime(new Date("2026-01-01T00:14:45Z")); // 15 s before expiry: inside the safety margin
    expect(await accessToken()).toBe("a2");
    expect(api.requests.map((r) => r.url)).toEqual(["/auth/login", "/auth/refresh"]);
  });
});

describe("bootstrap and logout", () => {
  it("starts anonymous without a stored refresh token", async () => {
    const api = fakeApi({});
    vi.stubGlobal("fetch", api.fetch);
    await bootstrapSession();
    expect(useSession.getState().status).toBe("anonymous");
    expect(api.fetch).not.toHaveBeenCalled();
  });

  it("resumes the session from the stored refresh token", async () => {
    localStorage.setItem(REFRESH_TOKEN_KEY, "r1");
    vi.stubGlobal("fetch", fakeApi({}, { "/auth/refresh": () => ({ status: 200, body: tokens("a2", "r2") }) }).fetch);
    await bootstrapSession();
    expect(useSession.getState().status).toBe("authenticated");
  });

  it("revokes the refresh token on the server and forgets everything locally", async () => {
    const api = fakeApi({}, { "/auth/login": () => ({ status: 200, body: tokens("a1", "r1") }), "/auth/logout": () => ({ status: 204 }) });
    vi.stubGlobal("fetch", api.fetch);
    await login("gm@example.com", "pw");

    await logout();

    expect(api.requests[1]).toMatchObject({ url: "/auth/logout", body: { refresh_token: "r1" } });
    expect(api.requests[1]!.headers.authorization).toBe("Bearer a1");
    expect(currentAccessToken()).toBeNull();
    expect(storedRefreshToken()).toBeNull();
    expect(useSession.getState()).toEqual({ status: "anonymous", user: null });
  });
});
