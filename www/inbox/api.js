// The inbox's one way to reach the API: a fetch wrapper that sends JSON and the
// session's CSRF token, and turns every failure into an ApiError with the API's
// readable message; plus the request-order guard each pane uses.

let csrf = null;

/** Remembers the session's CSRF token, sent on every change. */
export function setCsrf(token) {
  csrf = token;
}

/** A failed call: HTTP status (0 when the network failed), the API's code and readable message. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message || `The server answered ${status}. Please try again.`);
    this.name = "ApiError";
    this.status = status;
    this.code = body?.error?.code;
  }
}

/** Calls the API; resolves to the parsed JSON body, or rejects with an ApiError. */
export async function api(method, path, json) {
  const headers = {};
  if (json !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrf) headers["x-csrf-token"] = csrf;
  let res;
  try {
    res = await fetch(path, { method, headers, body: json === undefined ? undefined : JSON.stringify(json), credentials: "same-origin" });
  } catch {
    throw new ApiError(0, { error: { code: "network", message: "Parley could not be reached. Check the connection and try again." } });
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

/**
 * A request-order guard for one pane. Call it when a request starts; it returns
 * a check that stays true only while no newer request of the same pane began,
 * so an answer that arrives late (after a newer click) is dropped, not shown.
 */
export function latestOnly() {
  let seq = 0;
  return () => {
    const mine = ++seq;
    return () => mine === seq;
  };
}
