// The .eml corpus under tests/mail/, each posted to the running worker's email
// handler (the path Email Routing calls) and its stored result asserted
// through the agent API: decoding, bodies, attachments, quotes, threading,
// loops, and the original kept whole in R2.
import { test } from "node:test";
import assert from "node:assert/strict";
import { agentGet, call, deliverMail, mailFixture, replyAddress, unique, KEY } from "./helpers.mjs";

const HANDLED = "Worker successfully processed email";

/** A fresh sender (so each test owns its conversations) and a fresh Message-ID. */
function sender(name = "mia") {
  const tag = unique("");
  return { From: `${name}+${tag}@example.org`, from: `${name}+${tag}@example.org`, id: `${tag}.${name}@mail.example.org`, marker: tag };
}

/** Delivers a corpus message and returns its raw text and the handler's answer. */
async function deliver(file, vars, envelope = {}) {
  const raw = mailFixture(file, vars);
  const res = await deliverMail(raw, { from: vars.from, ...envelope });
  assert.equal(res.text, HANDLED, `${file}: ${res.text}`);
  return raw;
}

/** The sender's conversations (newest first), each with its messages. */
async function threadsOf(address) {
  const { conversations } = await agentGet("/api/conversations?channel=email");
  const mine = conversations.filter((c) => c.contact_email === address);
  return Promise.all(mine.map((c) => agentGet(`/api/conversations/${c.id}`)));
}

async function onlyMessage(address) {
  const threads = await threadsOf(address);
  assert.equal(threads.length, 1, "one conversation");
  assert.equal(threads[0].messages.length, 1, "one message");
  return { conversation: threads[0].conversation, message: threads[0].messages[0] };
}

test("multipart/alternative: text preferred, HTML sanitised for the inbox", async () => {
  const v = sender("leo");
  await deliver("alternative.eml", v);
  const { message } = await onlyMessage(v.from);
  assert.equal(message.body, `Can you gift-wrap the Hearth Chai? (${v.marker})`);
  const html = message.body_html;
  assert.match(html, /<b>gift-wrap<\/b>/);
  assert.match(html, /href="https:\/\/juniper\.example\/wrap"[^>]*rel="noopener noreferrer nofollow"/);
  for (const banned of ["<script", "onclick", "javascript:", "<img", "<iframe", "<form", "<style"]) {
    assert.ok(!html.includes(banned), `sanitised HTML has no ${banned}: ${html}`);
  }
});

test("HTML-only mail becomes readable text", async () => {
  const v = sender("sam");
  await deliver("html-only.eml", v);
  const { message } = await onlyMessage(v.from);
  assert.equal(
    message.body,
    `Hello team,\n\nWe run a café and would like to stock your teas (${v.marker}):\n\n- Morning Fog\n- Pine Needle Sencha\n\nBest,\nSam`,
  );
  assert.ok(message.body_html.includes("<li>Morning Fog</li>"));
});

test("quoted-printable UTF-8 and encoded-word names decode", async () => {
  const v = sender("zoe");
  await deliver("quoted-printable.eml", v);
  const { conversation, message } = await onlyMessage(v.from);
  assert.equal(conversation.subject, "Café crème blend");
  assert.equal(conversation.contact_name, "Zoë Dubois");
  assert.equal(message.body, `Bonjour, votre mélange "Café crème" est très bon. Est-ce qu'il existe en vrac ? (${v.marker})`);
});

test("base64 bodies decode", async () => {
  const v = sender("ravi");
  const text = `Order 1042 arrived without the tea scoop. (${v.marker})\nCould you send one?`;
  await deliver("base64.eml", { ...v, base64_body: Buffer.from(text).toString("base64") });
  const { message } = await onlyMessage(v.from);
  assert.equal(message.body, text);
});

test("ISO-8859-1 encoded words and bodies decode", async () => {
  const v = sender("joerg");
  await deliver("latin1-subject.eml", v);
  const { conversation, message } = await onlyMessage(v.from);
  assert.equal(conversation.subject, "Thé vert à la menthe");
  assert.equal(conversation.contact_name, "Jörg Müller");
  assert.equal(message.body, `Grüße! Haben Sie grünen Tee mit Minze? (${v.marker})`);
});

test("attachments are listed with name, type and size, and the original is kept whole", async () => {
  const v = sender("ravi");
  const raw = await deliver("attachment.eml", v);
  const { message } = await onlyMessage(v.from);
  assert.match(message.body, /The tin arrived dented/);
  assert.deepEqual(
    message.attachments.map((a) => [a.filename, a.content_type, a.size]),
    [["invoice-1042.pdf", "application/pdf", 78], ["dent.png", "image/png", 70]], "decoded sizes",
  );
  assert.equal(message.has_original, true);
  const res = await fetch(`${process.env.PARLEY_URL}/api/messages/${message.id}/original`, { headers: { authorization: `Bearer ${KEY}` } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "message/rfc822");
  assert.equal(await res.text(), raw, "byte for byte");
  const anonymous = await call("GET", `/api/messages/${message.id}/original`);
  assert.equal(anonymous.status, 401);
});

test("an Outlook reply with only In-Reply-To threads, and its quoted history is folded", async () => {
  const v = sender("mia");
  await deliver("plain.eml", v);
  const reply = { ...v, id: `${v.marker}.outlook@mail.example.org`, parent: v.id };
  await deliver("outlook-reply.eml", reply);
  const [thread] = await threadsOf(v.from);
  assert.equal(thread.messages.length, 2);
  const answer = thread.messages[1];
  assert.equal(answer.body, `It arrived this morning, thank you! (${v.marker})`);
  assert.match(answer.body_full, /-----Original Message-----[\s\S]*I ordered two tins/);
  assert.deepEqual(answer.email_headers.in_reply_to, [v.id]);
});

test("a References chain threads on any known Message-ID in it", async () => {
  const v = sender("mia");
  await deliver("plain.eml", v);
  await deliver("references-chain.eml", { ...v, id: `${v.marker}.refs@mail.example.org`, parent: v.id });
  const threads = await threadsOf(v.from);
  assert.equal(threads.length, 1);
  assert.equal(threads[0].messages.length, 2);
});

test("a signed reply address threads even without In-Reply-To", async () => {
  const v = sender("mia");
  await deliver("plain.eml", v);
  const [original] = await threadsOf(v.from);
  const address = replyAddress(original.conversation.id);
  await deliver("reply-address.eml", { ...v, id: `${v.marker}.signed@mail.example.org`, reply_to: address }, { to: address });
  const threads = await threadsOf(v.from);
  assert.equal(threads.length, 1, "threaded by the reply address");
  assert.equal(threads[0].messages.length, 2);
});

test("a forged or altered reply address is not trusted", async () => {
  const victim = sender("mia");
  await deliver("plain.eml", victim);
  const [target] = await threadsOf(victim.from);
  const attacker = sender("eve");
  const forged = replyAddress(target.conversation.id, "juniper", "not the deployment secret");
  await deliver("reply-address.eml", { ...attacker, reply_to: forged }, { to: forged });
  const altered = replyAddress(target.conversation.id).replace(/\.([0-9a-f])/, (_, c) => `.${c === "0" ? "1" : "0"}`);
  await deliver("reply-address.eml", { ...attacker, id: `${attacker.marker}.2@mail.example.org`, reply_to: altered }, { to: altered });

  const [victimThread] = await threadsOf(victim.from);
  assert.equal(victimThread.messages.length, 1, "nothing joined the victim's conversation");
  const attackerThreads = await threadsOf(attacker.from);
  assert.equal(attackerThreads.length, 2, "each forged mail opened its own conversation");
});

test("mail is never merged by subject alone", async () => {
  const a = sender("ann");
  const b = sender("bob");
  await deliver("plain.eml", a);
  await deliver("plain.eml", b);
  const [threadA] = await threadsOf(a.from);
  const [threadB] = await threadsOf(b.from);
  assert.equal(threadA.conversation.subject, threadB.conversation.subject);
  assert.notEqual(threadA.conversation.id, threadB.conversation.id);
});

test("a reply to a campaign opens a conversation with the replying contact", async () => {
  const v = sender("mia");
  await deliver("campaign-reply.eml", v);
  const { conversation, message } = await onlyMessage(v.from);
  assert.equal(conversation.subject, "Re: Autumn blends are here");
  assert.equal(message.body, `Is the Hearth Chai back in stock? (${v.marker})`, "the quoted campaign is folded");
});

test("auto-replies, bulk mail and bounces are stored and flagged", async () => {
  const cases = [
    ["auto-reply.eml", sender("ooo"), ["auto_reply"]],
    ["bulk.eml", sender("news"), ["bulk"]],
    ["bounce.eml", { ...sender("x"), From: "MAILER-DAEMON@mx.example.org", from: "mailer-daemon@mx.example.org" }, ["auto_reply", "bounce"]],
  ];
  for (const [file, v, flags] of cases) {
    await deliver(file, v);
    const { message } = await onlyMessage(v.from);
    assert.deepEqual(message.flags, flags, file);
    assert.match(message.body, new RegExp(v.marker));
  }
  const person = sender("mia");
  await deliver("plain.eml", person);
  assert.deepEqual((await onlyMessage(person.from)).message.flags, [], "mail from a person is not flagged");
});

test("a duplicate delivery of a rich message stores it, and its attachments, once", async () => {
  const v = sender("dup");
  const raw = mailFixture("attachment.eml", v);
  await Promise.all([1, 2, 3].map(() => deliverMail(raw, { from: v.from })));
  const { message } = await onlyMessage(v.from);
  assert.equal(message.attachments.length, 2);
});

/** A message built here (bytes, for 8-bit headers), CRLF line endings. */
function rawMail(headers, body) {
  const text = (s) => (typeof s === "string" ? Buffer.from(s, "utf8") : s);
  return Buffer.concat([text(headers.replace(/\r?\n/g, "\r\n")), Buffer.from("\r\n"), text(body)]);
}

test("mail from the real world: a bottom-posted answer stays visible and a mobile signature folds apart", async () => {
  const v = sender("bottom");
  const head = `From: Bo <${v.from}>\nTo: support@juniper.inbound.example.com\nSubject: Re: order\nMessage-ID: <${v.id}>\nContent-Type: text/plain; charset=utf-8\n`;
  const body = `Hi,\r\n\r\nOn Sat, 21 Nov 2026 at 09:15, Support <support@juniper.example> wrote:\r\n> Which tin was dented?\r\n\r\nThe Morning Fog one (${v.marker}).\r\n\r\nSent from my iPhone\r\n`;
  const res = await deliverMail(rawMail(head, body), { from: v.from });
  assert.equal(res.text, HANDLED);
  const { message } = await onlyMessage(v.from);
  assert.equal(message.body, `Hi,\n\nOn Sat, 21 Nov 2026 at 09:15, Support <support@juniper.example> wrote:\n> Which tin was dented?\n\nThe Morning Fog one (${v.marker}).`, "the answer under the quote is visible");
  assert.equal(message.email_headers.folded, "signature");
  assert.match(message.body_full, /Sent from my iPhone$/);
});

test("mail from the real world: raw Latin-1 headers and body decode, the first From counts and a second one flags it", async () => {
  const v = sender("jorg");
  const head = Buffer.concat([
    Buffer.from(`From: J`), Buffer.from([0xf6]), Buffer.from(`rg <${v.from}>\r\nFrom: Mallory <mallory@evil.example>\r\n`),
    Buffer.from(`To: support@juniper.inbound.example.com\r\nSubject: Fr`), Buffer.from([0xf6]), Buffer.from(`sche\r\nMessage-ID: <${v.id}>\r\n`),
  ]);
  const body = Buffer.concat([Buffer.from("Die Fr"), Buffer.from([0xf6]), Buffer.from(`sche sind da (${v.marker}).\r\n`)]);
  const res = await deliverMail(Buffer.concat([head, Buffer.from("\r\n"), body]), { from: v.from });
  assert.equal(res.text, HANDLED);
  const { conversation, message } = await onlyMessage(v.from);
  assert.equal(message.email_subject, "Frösche");
  assert.equal(message.body, `Die Frösche sind da (${v.marker}).`);
  assert.deepEqual(message.flags, ["sender_unverified"], "two From headers: unverified");
  assert.equal(message.email_headers.sender.from_headers, 2);
  assert.equal(conversation.contact_email, v.from, "the first From, not the second");
});

test("mail from the real world: a uuencoded file becomes an attachment like a MIME one", async () => {
  const v = sender("uu");
  const head = `From: ${v.from}\nTo: support@juniper.inbound.example.com\nSubject: file\nMessage-ID: <${v.id}>\nContent-Type: text/plain\n`;
  const body = `Here it is (${v.marker}).\r\n\r\nbegin 644 hello.txt\r\n.2&5L;&\\L('=O<FQD(0H\`\r\n\`\r\nend\r\n`;
  const res = await deliverMail(rawMail(head, body), { from: v.from });
  assert.equal(res.text, HANDLED);
  const { message } = await onlyMessage(v.from);
  assert.equal(message.body, `Here it is (${v.marker}).`);
  assert.deepEqual(message.attachments.map((a) => [a.filename, a.size]), [["hello.txt", 14]]);
  const file = await fetch(`${process.env.PARLEY_URL}${message.attachments[0].url}`, { headers: { authorization: `Bearer ${KEY}` } });
  assert.equal(file.status, 200);
  assert.equal(await file.text(), "Hello, world!\n");
});

test("mail from the real world: raw 8-bit file names in MIME parts decode like the headers", async () => {
  const v = sender("files");
  const part = (headers, body) => Buffer.concat([Buffer.from("--mix\r\n"), ...headers, Buffer.from(`\r\n\r\n${body}\r\n`)]);
  const raw = Buffer.concat([
    Buffer.from(`From: ${v.from}\r\nTo: support@juniper.inbound.example.com\r\nSubject: files\r\nMessage-ID: <${v.id}>\r\n`),
    Buffer.from('MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="mix"\r\n\r\n'),
    part([Buffer.from("Content-Type: text/plain; charset=utf-8")], `Two files (${v.marker}).`),
    part([Buffer.from('Content-Type: text/plain\r\nContent-Disposition: attachment; filename="Fr'), Buffer.from([0xf6]), Buffer.from('sche.txt"')], "frogs"),
    part([Buffer.from('Content-Type: text/plain\r\nContent-Disposition: attachment; filename="Preis '), Buffer.from([0x80]), Buffer.from('.txt"')], "9"),
    Buffer.from("--mix--\r\n"),
  ]);
  const res = await deliverMail(raw, { from: v.from });
  assert.equal(res.text, HANDLED);
  const { message } = await onlyMessage(v.from);
  assert.deepEqual(message.attachments.map((a) => [a.filename, a.size]), [["Frösche.txt", 5], ["Preis €.txt", 1]]);
});
