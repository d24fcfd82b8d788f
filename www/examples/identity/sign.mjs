// Parley identity verification, on your server (Node.js 18+).
// Pass the result to Parley.identify({ email, signature }) in the page you serve
// to a signed-in user. Never send the secret itself to the browser.
import { createHmac } from "node:crypto";

/** hex(HMAC-SHA256(secret, email)) */
export function parleySignature(email, secret = process.env.PARLEY_IDENTITY_SECRET) {
  return createHmac("sha256", secret).update(email).digest("hex");
}

// PARLEY_IDENTITY_SECRET=... node sign.mjs user@example.com
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(parleySignature(process.argv[2]));
}
