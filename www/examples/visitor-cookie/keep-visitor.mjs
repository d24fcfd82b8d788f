// Keeps Parley's visitor cookie for 30 days in Safari too (Node.js 18+).
//
// The widget writes `parley_visitor` from its script, and Safari keeps cookies
// that scripts write for 7 days only. A cookie your own server sets in an HTTP
// response keeps the Max-Age it is given. So, on every response of your site,
// hand back the visitor cookie the request carries (nothing is set for a
// visitor who never wrote), and have your pages call your server once the
// widget has opened (the widget refreshes the cookie from its script when it
// starts, and that write is the one Safari would cap):
//
//   Parley.on("open", function () { fetch("/", { method: "HEAD" }); });
//
// Never make it HttpOnly: the widget reads it, and Parley.reset() deletes it.
// Set it from your site's own server, not from a tracking subdomain whose
// server is elsewhere: Safari caps those HTTP cookies to 7 days as well.

const VISITOR = /(?:^|;\s*)parley_visitor=(v_[0-9a-f]{32}\.[0-9a-f]{64})(?:;|$)/;
const THIRTY_DAYS_S = 30 * 24 * 60 * 60;

/** Re-sets the visitor cookie that `req` carries, for another 30 days, on `res` (node:http, Express, …). */
export function keepParleyVisitor(req, res) {
  const token = VISITOR.exec(req.headers.cookie ?? "")?.[1];
  if (!token) return;
  const https = req.socket?.encrypted || req.headers["x-forwarded-proto"] === "https";
  res.appendHeader("set-cookie", `parley_visitor=${token}; Max-Age=${THIRTY_DAYS_S}; Path=/; SameSite=Lax${https ? "; Secure" : ""}`);
}
