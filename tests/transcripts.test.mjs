// A chat's transcript by email on the real worker: sent to the contact through
// the send_email binding (read back from the .eml it wrote), exactly once per
// request key even when retried or raced, refused without an email address or
// for other channels, confirmed first for an unverified address; in Chromium,
// the thread's button sends one.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  KEY, call, decodeWords, deliverMail, header, mailFixture, newVisitor, nextSentEmail, replyAddress, sendChat, sentEmails, sql, unique,
  launchChromium, signInToInbox,
} from "./helpers.mjs";

let browser;
before(async () => {
  browser = await launchChromium();
});
after(() => browser?.close());

const transcript = (id, json) => call("POST", `/api/conversations/${id}/transcript`, { token: KEY, json });

/** A chat with a visitor question and an agent answer; with `contact`, given that contact by "click to add". */
async function chat(contact) {
  const token = await newVisitor();
  const question = unique("Is the <b>sencha</b> organic? ");
  await sendChat(token, question);
  const { conversation_id: id } = (await call("GET", "/api/widget/conversation", { token })).body;
  const answer = unique("Yes & it ships Monday ");
  assert.equal((await call("POST", `/api/conversations/${id}/messages`, { token: KEY, json: { body: answer, channel: "chat" } })).status, 201);
  if (contact) assert.equal((await call("POST", `/api/conversations/${id}/contact`, { token: KEY, json: contact })).status, 200);
  return { id, token, question, answer };
}

/** A regular expression matching `text` literally. */
const literal = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The decoded text of a raw message's part of this type (text/plain or text/html). */
function part(eml, type) {
  const found = eml.split(/\r?\n--parley-[^\r\n]+\r?\n/).find((p) => new RegExp(`^Content-Type: ${type}`, "im").test(p));
  const [head, ...body] = found.replace(/\r\n/g, "\n").split("\n\n");
  const text = body.join("\n\n").replace(/\n--parley-[\s\S]*$/, "");
  if (/quoted-printable/i.test(head)) {
    return Buffer.from(text.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8");
  }
  if (/base64/i.test(head)) return Buffer.from(text.replace(/\s/g, ""), "base64").toString("utf8");
  return text;
}
const plainText = (eml) => part(eml, "text/plain");

test("the transcript goes to the contact once: a retried or raced request sends nothing more", async () => {
  const email = `mia+${unique("")}@example.org`;
  const c = await chat({ email, full_name: "Mia Chen" });
  // Chat visitors never proved their address (an agent added it): the agent confirms, as for email replies.
  const send = (idempotency_key) => transcript(c.id, { idempotency_key, confirm_unverified: email });
  const key = randomUUID();
  const before = sentEmails().length;
  const sent = await send(key);
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  assert.deepEqual([sent.body.status, sent.body.to, sent.body.replayed, sent.body.conversation_id], ["sent", email, false, c.id]);
  const eml = await nextSentEmail(before);
  assert.equal(header(eml, "To"), `"Mia Chen" <${email}>`);
  assert.equal(header(eml, "From"), '"Robin Ash at Juniper & Pine" <support@juniper.inbound.example.com>');
  assert.equal(header(eml, "Reply-To"), `<${replyAddress(c.id)}>`, "an answer threads back into the chat");
  assert.match(decodeWords(header(eml, "Subject")).replace(/\s+/g, " "), /^Transcript of your chat with Juniper & Pine · \d{1,2} [A-Z][a-z]{2} \d{4}$/);
  const text = plainText(eml);
  assert.match(text, new RegExp(`You · \\d{1,2} \\w{3} \\d{4}, \\d\\d:\\d\\d UTC\\n${literal(c.question)}\\n`), text);
  assert.match(text, new RegExp(`Robin Ash · \\d{1,2} \\w{3} \\d{4}, \\d\\d:\\d\\d UTC\\n${literal(c.answer)}\\n`), text);
  assert.ok(text.indexOf(c.question) < text.indexOf(c.answer), "oldest first");
  const html = part(eml, "text/html");
  assert.ok(html.includes("Is the &lt;b&gt;sencha&lt;/b&gt; organic?"), html);
  assert.ok(!html.includes("<b>"), "the visitor's markup is escaped in the HTML part");

  const retried = await send(key);
  assert.deepEqual([retried.status, retried.body.id, retried.body.status, retried.body.replayed], [200, sent.body.id, "sent", true]);
  // Two requests with one key at the same time: one sends, the other replays.
  const raceKey = randomUUID();
  const raced = await Promise.all([send(raceKey), send(raceKey)]);
  assert.deepEqual(raced.map((r) => r.body.replayed).sort(), [false, true], JSON.stringify(raced.map((r) => r.body)));
  const [winner, loser] = raced[0].body.replayed ? [raced[1], raced[0]] : raced;
  assert.equal(winner.status, 201);
  assert.ok([200, 202].includes(loser.status), `the loser replays (sent: 200, still sending: 202), got ${loser.status}`);
  // A later, distinct transcript is the marker: every email before it is in the log once it shows.
  const marker = await send(randomUUID());
  assert.equal(marker.status, 201);
  await nextSentEmail(before + 2);
  assert.equal(sentEmails().length, before + 3, "three keys, three emails: the retry and the race's loser sent nothing");
  const rows = await sql(`SELECT status FROM transcripts WHERE conversation_id = '${c.id}'`);
  assert.deepEqual(rows.map((r) => r.status), ["sent", "sent", "sent"]);

  // The contact's export lists them; erasing the contact (GDPR) takes them with its conversations.
  const contact = (await call("GET", `/api/conversations/${c.id}`, { token: KEY })).body.conversation.contact_id;
  const exported = (await call("GET", `/api/contacts/${contact}/export`, { token: KEY })).body.transcripts;
  assert.deepEqual(exported.map((t) => [t.conversation_id, t.to_address, t.status]), Array(3).fill([c.id, email, "sent"]));
  assert.equal((await call("DELETE", `/api/contacts/${contact}`, { token: KEY })).status, 200);
  assert.deepEqual(await sql(`SELECT id FROM transcripts WHERE conversation_id = '${c.id}'`), []);
});

test("no transcript without the contact's email, for other channels, or with a malformed key; nothing is sent", async () => {
  const before = sentEmails().length;
  const anonymous = await chat();
  const refused = await transcript(anonymous.id, { idempotency_key: randomUUID() });
  assert.deepEqual([refused.status, refused.body.error.code], [400, "transcript_no_email"]);
  assert.match(refused.body.error.message, /no email address/);

  const tag = unique("");
  const from = `sol+${tag}@example.org`;
  await deliverMail(mailFixture("plain.eml", { From: from, from, id: `${tag}@mail.example.org`, marker: tag }), { from });
  const mail = (await call("GET", "/api/conversations?channel=email", { token: KEY })).body.conversations.find((c) => c.contact_email === from);
  assert.equal((await transcript(mail.id, { idempotency_key: randomUUID() })).body.error.code, "transcript_chat_only");

  const known = await chat({ email: `key+${tag}@example.org` });
  for (const json of [{}, { idempotency_key: "short" }, { idempotency_key: "has spaces in it" }, { idempotency_key: randomUUID(), extra: 1 }]) {
    const res = await transcript(known.id, json);
    assert.equal(res.status, 400, JSON.stringify(json));
  }
  assert.equal((await transcript("c_nope", { idempotency_key: randomUUID() })).status, 404);
  assert.equal((await sql(`SELECT COUNT(*) AS n FROM transcripts WHERE conversation_id IN ('${anonymous.id}', '${mail.id}', '${known.id}')`))[0].n, 0);
  assert.equal(sentEmails().length, before, "nothing went out");
});

test("a transcript to an address the visitor typed waits for the agent's confirmation", async () => {
  const c = await chat();
  const claimed = `claimed+${unique("")}@example.org`;
  await call("POST", "/api/widget/contact", { token: c.token, json: { email: claimed } });
  const key = randomUUID();
  const unconfirmed = await transcript(c.id, { idempotency_key: key });
  assert.deepEqual([unconfirmed.status, unconfirmed.body.error.code], [409, "confirm_unverified_email"]);
  const before = sentEmails().length;
  const confirmed = await transcript(c.id, { idempotency_key: key, confirm_unverified: claimed });
  assert.equal(confirmed.status, 201, "the refused request claimed nothing: the same key sends now");
  assert.match(header(await nextSentEmail(before), "To"), new RegExp(claimed.replace(/[+.]/g, "\\$&")));
});

test("the thread's button emails the chat's transcript once", async () => {
  const email = `button+${unique("")}@example.org`;
  const c = await chat({ email, full_name: "Button Tester" });
  const page = await signInToInbox(await browser.newContext());
  await page.locator("#list button", { hasText: "Button Tester" }).first().click();
  await page.locator("#messages .msg", { hasText: c.answer }).waitFor();
  const before = sentEmails().length;
  await page.click("#send-transcript");
  await page.locator("#transcript-status", { hasText: "may reach someone other than the person chatting" }).waitFor();
  assert.equal(await page.textContent("#send-transcript"), `Send transcript to ${email} anyway`, "the button names the address it confirms");
  await page.click("#send-transcript");
  await page.locator("#transcript-status", { hasText: `Transcript sent to ${email}` }).waitFor();
  const eml = await nextSentEmail(before);
  assert.match(header(eml, "To"), new RegExp(email.replace(/[+.]/g, "\\$&")));
  assert.ok(plainText(eml).includes(c.answer));
  assert.deepEqual((await sql(`SELECT status FROM transcripts WHERE conversation_id = '${c.id}'`)).map((r) => r.status), ["sent"], "one request, one email");

  // A chat without an email: the button says why it cannot send.
  const anonymous = await chat();
  await page.locator("#list button", { hasText: anonymous.answer }).click(); // the list shows the newest message
  await page.locator("#messages .msg", { hasText: anonymous.answer }).waitFor();
  assert.equal(await page.isDisabled("#send-transcript"), true);
  await page.locator("#transcript-status", { hasText: "no email address" }).waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
