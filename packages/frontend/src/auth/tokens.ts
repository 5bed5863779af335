/**
 * Where the session's tokens live: the access token only in memory (never persisted, so an XSS
 * payload can't lift it from storage after the tab closes), the refresh token in localStorage so a
 * reload or a new tab can resume the session with `POST /auth/refresh`.
 */

export interface AuthUser {
  readonly id: string;
  readonly email: string;
  readonly name: string;
}

/** What `/auth/login`, `/auth/register` and `/auth/refresh` return. */
export interface TokenResponse {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly token_type: string;
  readonly expires_in: number;
  readonly user: AuthUser;
}

export const REFRESH_TOKEN_KEY = "cm.refreshToken";

/** Treat an access token as expired this long before it really is (clock skew, request latency). */
export const EXPIRY_MARGIN_MS = 30_000;

let access: { token: string; expiresAt: number } | null = null;

/** The in-memory access token, or null when there is none or it is (about to be) expired. */
export function currentAccessToken(now: number = Date.now()): string | null {
  if (!access || access.expiresAt - EXPIRY_MARGIN_MS <= now) return null;
  return access.token;
}

/** The access token even if it has expired (the server decides; used for the first attempt). */
export function lastAccessToken(): string | null {
  return access?.token ?? null;
}

export function storedRefreshToken(): string | null {
  try {
    return localStorage.getItem(REFRESH_TOKEN_KEY);
  } catch {
    return null;
  }
}

export function storeTokens(response: TokenResponse, now: number = Date.now()): void {
  access = { token: response.access_token, expiresAt: now + response.expires_in * 1000 };
  try {
    localStorage.setItem(REFRESH_TOKEN_KEY, response.refresh_token);
  } catch {
    // storage disabled (private mode quotas): the session then lasts as long as the tab
  }
}

export function clearTokens(): void {
  access = null;
  try {
    localStorage.removeItem(REFRESH_TOKEN_KEY);
  } catch {
    // ignore
  }
}

export function isTokenResponse(value: unknown): value is TokenResponse {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  const user = v.user as Record<string, unknown> | undefined;
  return (
    typeof v.access_token === "string" &&
    typeof v.refresh_token === "string" &&
    typeof v.expires_in === "number" &&
    typeof user === "object" &&
    user !== null &&
    typeof user.id === "string" &&
    typeof user.email === "string" &&
    typeof user.name === "string"
  );
}
