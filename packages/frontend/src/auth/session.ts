/**
 * The signed-in user and the REST auth calls (`/auth/*`), with one refresh in flight at a time.
 *
 * Refresh tokens rotate on every use and reusing an old one revokes the whole session family, so
 * refreshes are serialised: within a tab by sharing one promise, across tabs with a Web Lock (and the
 * token is read from localStorage inside the lock, so a tab picks up what another tab just stored).
 */
import { create } from "zustand";
import { config } from "../config.ts";
import {
  type AuthUser,
  clearTokens,
  currentAccessToken,
  isTokenResponse,
  lastAccessToken,
  storedRefreshToken,
  storeTokens,
} from "./tokens.ts";

export type SessionStatus = "unknown" | "anonymous" | "authenticated";

export interface SessionState {
  readonly status: SessionStatus;
  readonly user: AuthUser | null;
}

export const useSession = create<SessionState>(() => ({ status: "unknown", user: null }));

/** A REST auth failure with the API's stable error code and the offending field, if any. */
export class AuthError extends Error {
  override name = "AuthError";
  readonly code: string;
  readonly status: number;
  readonly field: string | null;
  readonly fields: Readonly<Record<string, string>>;
  constructor(message: string, code: string, status: number, field: string | null = null, fields: Readonly<Record<string, string>> = {}) {
    super(message);
    this.code = code;
    this.status = status;
    this.field = field;
    this.fields = fields;
  }
}

const MESSAGES: Record<string, string> = {
  RATE_LIMITED: "Too many attempts. Wait a minute and try again.",
  NETWORK: "Cannot reach the server. Check your connection and try again.",
};

async function postJson(path: string, body: unknown, token?: string | null): Promise<Response> {
  const headers: Record<string, string> = { "Content-Type": "application/json", Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    return await fetch(`${config.apiUrl}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  } catch {
    throw new AuthError(MESSAGES.NETWORK!, "NETWORK", 0);
  }
}

async function errorOf(response: Response): Promise<AuthError> {
  let payload: unknown = null;
  try {
    payload = await response.json();
  } catch {
    // not JSON (a proxy error page)
  }
  const error = (payload as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  const code = typeof error?.code === "string" ? error.code : response.status >= 500 ? "UNAVAILABLE" : "ERROR";
  const details = (error?.details ?? {}) as { field?: unknown; fields?: unknown };
  const field = typeof details.field === "string" ? details.field : null;
  const fields =
    typeof details.fields === "object" && details.fields !== null ? (details.fields as Record<string, string>) : {};
  const message =
    MESSAGES[code] ??
    (typeof error?.message === "string" ? error.message : `The server answered HTTP ${response.status}.`);
  return new AuthError(message, code, response.status, field, fields);
}

async function tokensFrom(response: Response): Promise<AuthUser> {
  if (!response.ok) throw await errorOf(response);
  const body: unknown = await response.json();
  if (!isTokenResponse(body)) throw new AuthError("The server sent an unexpected answer.", "ERROR", response.status);
  storeTokens(body);
  useSession.setState({ status: "authenticated", user: body.user });
  return body.user;
}

export async function login(email: string, password: string): Promise<AuthUser> {
  return tokensFrom(await postJson("/auth/login", { email, password }));
}

export async function register(name: string, email: string, password: string): Promise<AuthUser> {
  return tokensFrom(await postJson("/auth/register", { email, password, name }));
}

type Listener = () => void;
const signedOutListeners = new Set<Listener>();

/** Called when the session ends (logout, or a refresh the server refused): reset caches, sockets. */
export function onSignedOut(listener: Listener): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

function endSession(): void {
  clearTokens();
  useSession.setState({ status: "anonymous", user: null });
  for (const listener of [...signedOutListeners]) listener();
}

let inFlight: Promise<boolean> | null = null;

async function doRefresh(): Promise<boolean> {
  const token = storedRefreshToken();
  if (!token) {
    if (useSession.getState().status !== "anonymous") endSession();
    return false;
  }
  const response = await postJson("/auth/refresh", { refresh_token: token });
  if (response.ok) {
    await tokensFrom(response);
    return true;
  }
  const error = await errorOf(response);
  if (error.code === "UNAUTHENTICATED") {
    endSession();
    return false;
  }
  throw error; // rate limited or server trouble: keep the refresh token and let the caller retry later
}

function withCrossTabLock(run: () => Promise<boolean>): Promise<boolean> {
  const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
  if (!locks?.request) return run();
  return locks.request("cm-auth-refresh", run) as unknown as Promise<boolean>;
}

/**
 * Exchange the stored refresh token for new tokens (one request at a time). Resolves true when signed
 * in, false when the server refused (the session is then over); rejects on network/server errors.
 */
export function refreshSession(): Promise<boolean> {
  if (!inFlight) {
    const before = lastAccessToken();
    inFlight = withCrossTabLock(async () => {
      // Another tab (or an earlier call) may have refreshed while we waited for the lock.
      const now = currentAccessToken();
      if (now && now !== before) return true;
      return doRefresh();
    }).finally(() => {
      inFlight = null;
    });
  }
  return inFlight;
}

/** A usable access token: the current one, or a refreshed one; null when signed out. */
export async function accessToken(): Promise<string | null> {
  const token = currentAccessToken();
  if (token) return token;
  if (!storedRefreshToken()) return null;
  try {
    return (await refreshSession()) ? currentAccessToken() : null;
  } catch {
    return lastAccessToken();
  }
}

/** On start-up: resume the session from the stored refresh token, if any. */
export async function bootstrapSession(): Promise<void> {
  if (!storedRefreshToken()) {
    useSession.setState({ status: "anonymous", user: null });
    return;
  }
  try {
    await refreshSession();
  } catch {
    // The API is unreachable: show the sign-in page (which shows the stack status) but keep the token.
    useSession.setState({ status: "anonymous", user: null });
  }
}

export async function logout(): Promise<void> {
  const token = storedRefreshToken();
  if (token) {
    try {
      await postJson("/auth/logout", { refresh_token: token }, currentAccessToken());
    } catch {
      // signing out locally is what matters
    }
  }
  endSession();
}
