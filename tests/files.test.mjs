// Files both ways, over HTTP against the real worker (D1 and R2 under workerd):
// email attachments kept once and downloaded by agents only, visitors'
// uploads checked by their bytes (413, 415, nothing written), retries that
// never duplicate, and who may download what.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import {
  agentGet, call, rawPost, deliverMail, mailFixture, mailTrips, newVisitor, nextSentEmail, sendChat, sentEmails, sql, unique, upload, KEY, URL_,
} from "./helpers.mjs";

/** The other account's primary admin (tests/fixtures.sql). */
const OTHER_ACCOUNT_KEY = "pk_other_account_000000000000000000000000000000000";
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
const PDF = Buffer.from("JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoKdHJhaWxlcgo8PC9Sb290IDEgMCBSPj4KJSVFT0YK", "base64");
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>');

/** Objects in the local FILES bucket (wrangler keeps R2 blobs under the persisted state). */
function storedObjects() {
  const dir = join(process.env.PARLEY_STATE, "v3/r2/parley-files/blobs");
  return existsSync(dir) ? readdirSync(dir).length : 0;
}

/** GETs a file as `token`'s holder: `{status, headers, bytes}`. */
async function download(path, token) {
  const res = await fetch(URL_ + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}


/** Delivers the corpus's attachment mail; returns its stored message. */
async function mailWithAttachments() {
  const tag = unique("");
  const v = { From: `ravi+${tag}@example.org`, from: `ravi+${tag}@example.org`, id: `${tag}.files@mail.example.org`, marker: tag };
  const raw = mailFixture("attachment.eml", v);
  assert.equal((await deliverMail(raw, { from: v.from })).status, 200);
  const conversation = (await agentGet("/api/conversations?channel=email")).conversations.find((c) => c.contact_email === v.from);
  const thread = await agentGet(`/api/conversations/${conversation.id}`);
  return { raw, v, conversation, message: thread.messages[0] };
}

test("an email's attachments are kept once in R2 and open from the inbox as attachments of their sniffed type", async () => {
  const before = storedObjects();
  const { raw, v, message } = await mailWithAttachments();
  const [pdf, png] = message.attachments;
  assert.ok((await mailTrips(v.id)) <= 2, "attachments are stored in the same batch: at most two D1 round trips");
  assert.deepEqual(
    [pdf.filename, pdf.content_type, pdf.size, pdf.preview, png.filename, png.content_type, png.preview],
    ["invoice-1042.pdf", "application/pdf", PDF.length, false, "dent.png", "image/png", true],
  );
  assert.equal(pdf.url, `/api/attachments/${pdf.id}`);

  const res = await download(pdf.url, KEY);
  assert.equal(res.status, 200);
  assert.deepEqual(res.bytes, PDF, "the decoded bytes, whole");
  assert.equal(res.headers.get("content-type"), "application/pdf");
  assert.equal(res.headers.get("content-disposition"), `attachment; filename="invoice-1042.pdf"; filename*=UTF-8''invoice-1042.pdf`);
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  assert.match(res.headers.get("content-security-policy"), /default-src 'none'.*sandbox/);
  assert.equal(res.headers.get("cache-control"), "private, no-store", "no cache keeps it after sign-out");
  assert.deepEqual((await download(png.url, KEY)).bytes, PNG);

  // Redelivered: no new row, no new object.
  const objects = storedObjects();
  assert.ok(objects >= 2 && objects <= before + 2, `both files are stored, at most once (${before} → ${objects})`);
  assert.equal((await deliverMail(raw, { from: v.from })).status, 200);
  const rows = await sql(`SELECT COUNT(*) AS n FROM attachments WHERE message_id = '${message.id}'`);
  assert.equal(rows[0].n, 2, "the redelivery adds no attachment row");
  assert.equal(storedObjects(), objects, "the redelivery adds no object");
});

test("an attachment that lies about its type is served as what its bytes are, never as markup", async () => {
  const tag = unique("");
  const from = `liar+${tag}@example.org`;
  const raw = [
    `From: Liar <${from}>`, "To: support@juniper.inbound.example.com", "Subject: a picture", `Message-ID: <${tag}.liar@example.org>`,
    "MIME-Version: 1.0", 'Content-Type: multipart/mixed; boundary="b"', "", "--b", "Content-Type: text/plain", "", `see picture ${tag}`,
    "--b", 'Content-Type: image/png; name="cute.png"', 'Content-Disposition: attachment; filename="cute.png"',
    "Content-Transfer-Encoding: base64", "", SVG.toString("base64"), "--b--", "",
  ].join("\r\n");
  assert.equal((await deliverMail(raw, { from })).status, 200);
  const conversation = (await agentGet("/api/conversations?channel=email")).conversations.find((c) => c.contact_email === from);
  const [file] = (await agentGet(`/api/conversations/${conversation.id}`)).messages[0].attachments;
  assert.deepEqual([file.declared_type, file.content_type, file.preview], ["image/png", "application/octet-stream", false]);
  const res = await download(file.url, KEY);
  assert.equal(res.headers.get("content-type"), "application/octet-stream");
  assert.match(res.headers.get("content-disposition"), /^attachment;/);
});

test("only agents of the account download an email's attachment", async () => {
  const { message } = await mailWithAttachments();
  const url = message.attachments[0].url;
  assert.equal((await download(url)).status, 401, "anonymous");
  assert.equal((await download(url, await newVisitor())).status, 401, "a visitor token is no agent credential");
  const other = await download(url, OTHER_ACCOUNT_KEY);
  assert.equal(other.status, 404, "another account's agent is told nothing exists");
  assert.equal(JSON.parse(other.bytes.toString()).error.code, "not_found");
  // Nor through the visitor's path.
  assert.equal((await download(url.replace("/api/", "/api/widget/"), await newVisitor())).status, 404);
});

test("a visitor's file becomes a message the agent sees and opens; a retry stores nothing twice", async () => {
  const token = await newVisitor();
  const clientId = randomUUID();
  const bytes = Buffer.concat([PNG, Buffer.from(clientId)]); // bytes no other test stored
  const before = storedObjects();
  const first = await upload(token, bytes, { name: "../../tmp/écran 1.png", clientId });
  assert.equal(first.status, 201, JSON.stringify(first.body));
  const { message } = first.body;
  assert.equal(message.body, "📎 écran 1.png", "named after the file, without its path, marked as a file for the widget");
  assert.equal(message.attachments.length, 1);
  const file = message.attachments[0];
  assert.deepEqual([file.filename, file.content_type, file.size], ["écran 1.png", "image/png", bytes.length]);
  const objects = storedObjects();
  assert.equal(objects, before + 1, "one object for the file");

  const retry = await upload(token, bytes, { name: "../../tmp/écran 1.png", clientId });
  assert.equal(retry.status, 200);
  assert.equal(retry.body.message.id, message.id);
  assert.deepEqual(retry.body.message.attachments.map((a) => a.id), [file.id]);
  assert.equal((await sql(`SELECT COUNT(*) AS n FROM attachments WHERE message_id = '${message.id}'`))[0].n, 1);
  assert.equal((await sql(`SELECT COUNT(*) AS n FROM messages WHERE client_message_id = '${clientId}'`))[0].n, 1);
  assert.equal(storedObjects(), objects, "the same bytes are one object");

  // The visitor sees it in their thread and downloads it (CORS: the widget runs on other sites).
  const thread = (await call("GET", "/api/widget/conversation", { token })).body;
  assert.deepEqual(thread.messages.map((m) => m.attachments.map((a) => a.id)), [[file.id]]);
  const own = await download(`/api/widget/attachments/${file.id}`, token);
  assert.equal(own.status, 200);
  assert.deepEqual(own.bytes, bytes);
  assert.equal(own.headers.get("access-control-allow-origin"), "*");
  assert.equal(own.headers.get("content-disposition"), `attachment; filename="_cran 1.png"; filename*=UTF-8''%C3%A9cran%201.png`);

  // The agent sees it in the thread, with a preview, and opens it.
  const conversation = (await agentGet(`/api/conversations/${message.conversation_id}`));
  const listed = conversation.messages.find((m) => m.id === message.id).attachments[0];
  assert.deepEqual([listed.id, listed.preview, listed.url], [file.id, true, `/api/attachments/${file.id}`]);
  assert.deepEqual((await download(listed.url, KEY)).bytes, bytes);

  // Nobody else: another visitor, another account, nobody at all.
  assert.equal((await download(`/api/widget/attachments/${file.id}`, await newVisitor())).status, 404);
  assert.equal((await download(`/api/widget/attachments/${file.id}`)).status, 401);
  assert.equal((await download(`/api/attachments/${file.id}`, OTHER_ACCOUNT_KEY)).status, 404);
  assert.equal((await download(`/api/attachments/${file.id}`, token)).status, 401);
});

test("oversize and wrong-type uploads are refused with JSON errors, and nothing is written", async () => {
  const token = await newVisitor();
  const objects = storedObjects();
  const big = Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024 + 1 - PDF.length, 0x20)]);
  const cases = [
    [big, "application/pdf", "big.pdf", 413, "file_too_large"],
    [SVG, "image/svg+xml", "logo.svg", 415, "file_type_refused"],
    [Buffer.from("<!doctype html><script>alert(1)</script>"), "image/png", "innocent.png", 415, "file_type_refused"],
    [Buffer.from("MZ\x90\x00\x03"), "application/pdf", "invoice.pdf", 415, "file_type_refused"],
    [Buffer.alloc(0), "image/png", "empty.png", 400, "file_empty"],
  ];
  for (const [bytes, type, name, status, code] of cases) {
    const res = await upload(token, bytes, { name, type });
    assert.equal(res.status, status, `${name}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.error.code, code);
    assert.ok(res.body.error.message.length > 10, "a readable message");
  }
  const thread = (await call("GET", "/api/widget/conversation", { token })).body;
  assert.deepEqual([thread.conversation_id, thread.messages.length], [null, 0], "no message, no conversation");
  assert.equal(storedObjects(), objects, "no object");
  assert.equal((await upload("v_nobody.secret", PNG)).status, 401);
});

/** POSTs `chunks` as a streamed body (chunked, no Content-Length): `{status, body}`. */
const streamed = (path, token, contentType, chunks) =>
  rawPost(path, { authorization: `Bearer ${token}`, "content-type": contentType, "transfer-encoding": "chunked" }, chunks);

test("a body of unknown length (streamed, no Content-Length) is refused before it is read, and nothing is written", async () => {
  const token = await newVisitor();
  const objects = storedObjects();
  const qs = new URLSearchParams({ client_message_id: randomUUID(), name: "photo.png" });
  const file = await streamed(`/api/widget/files?${qs}`, token, "image/png", [PNG, Buffer.alloc(64 * 1024)]);
  assert.equal(file.status, 411);
  assert.equal(file.body.error.code, "length_required");
  assert.match(file.body.error.message, /Content-Length/);
  const message = await streamed("/api/widget/messages", token, "application/json", [JSON.stringify({ client_message_id: randomUUID(), body: "hi" })]);
  assert.equal(message.status, 411, "JSON bodies too");
  const thread = (await call("GET", "/api/widget/conversation", { token })).body;
  assert.deepEqual([thread.conversation_id, thread.messages.length], [null, 0], "no message, no conversation");
  assert.equal(storedObjects(), objects, "no object");
});

test("a site whose widget takes no files refuses uploads, and its config says so", async () => {
  assert.equal((await call("GET", "/api/widget/sites/s_no_files/config")).body.files, false);
  assert.equal((await call("GET", "/api/widget/sites/s_demo/config")).body.files, true);
  const res = await upload(await newVisitor("s_no_files"), PNG);
  assert.deepEqual([res.status, res.body.error.code], [403, "files_disabled"]);
  // Only the primary admin switches it (the authorization matrix covers the endpoint).
  const on = await call("PATCH", "/api/sites/s_no_files/widget", { token: KEY, json: { files: true } });
  assert.deepEqual([on.status, on.body.files], [200, true]);
  const off = await call("PATCH", "/api/sites/s_no_files/widget", { token: KEY, json: { files: false } });
  assert.deepEqual([off.status, off.body.files], [200, false]);
});

/** An agent's multipart reply. */
function replyWithFiles(conversationId, fields, files) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const [name, bytes, type] of files) form.append("file", new Blob([bytes], { type }), name);
  return call("POST", `/api/conversations/${conversationId}/messages`, { token: KEY, body: form });
}

test("an agent's chat reply carries files to the visitor, who alone may open them", async () => {
  const token = await newVisitor();
  await sendChat(token, "can you send the invoice?");
  const conversationId = (await call("GET", "/api/widget/conversation", { token })).body.conversation_id;
  const res = await replyWithFiles(conversationId, { body: "Here it is", channel: "chat" }, [["facture n°1.pdf", PDF, "application/pdf"]]);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const [file] = res.body.message.attachments;
  assert.deepEqual([file.filename, file.content_type, file.preview], ["facture n°1.pdf", "application/pdf", false]);
  const seen = (await call("GET", "/api/widget/conversation", { token })).body.messages.at(-1);
  assert.deepEqual([seen.body, seen.attachments.map((a) => a.filename)], ["Here it is\n📎 facture n°1.pdf", ["facture n°1.pdf"]]);
  const got = await download(`/api/widget/attachments/${file.id}`, token);
  assert.deepEqual([got.status, got.headers.get("content-type")], [200, "application/pdf"]);
  assert.deepEqual(got.bytes, PDF);
  assert.equal((await download(`/api/widget/attachments/${file.id}`, await newVisitor())).status, 404);

  const refused = await replyWithFiles(conversationId, { body: "a script", channel: "chat" }, [["x.svg", SVG, "image/svg+xml"]]);
  assert.deepEqual([refused.status, refused.body.error.code], [415, "file_type_refused"]);
});

test("an agent's email reply carries its files as MIME attachments", async () => {
  const { conversation } = await mailWithAttachments();
  const before = sentEmails().length;
  const res = await replyWithFiles(conversation.id, { body: "Your corrected invoice", channel: "email" }, [["corrigée.pdf", PDF, "application/pdf"]]);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.deepEqual(res.body.message.attachments.map((a) => a.filename), ["corrigée.pdf"]);
  const raw = await nextSentEmail(before);
  assert.match(raw, /Content-Type: multipart\/mixed/);
  assert.match(raw, /Content-Disposition: attachment/);
  assert.ok(raw.replace(/\r?\n/g, "").includes(PDF.toString("base64")), "the file's bytes, base64");
  assert.match(raw, /Your corrected invoice/);
});

test("racing an erasure against an email reply with files leaves no object in R2 that no row names", async () => {
  // Whichever wins, the files end where erasure finds them or nowhere: a reply
  // refused after its mail went out (its conversation erased meanwhile) forgets them.
  const before = storedObjects();
  const outcomes = new Set();
  for (let round = 0; round < 6; round++) {
    const { conversation } = await mailWithAttachments();
    const own = Buffer.concat([PNG, Buffer.from(unique("race"))]);
    const [reply, erased] = await Promise.all([
      replyWithFiles(conversation.id, { body: "Your photo", channel: "email" }, [["photo.png", own, "image/png"]]),
      call("DELETE", `/api/contacts/${conversation.contact_id}`, { token: KEY }),
    ]);
    assert.equal(erased.status, 200, JSON.stringify(erased.body));
    assert.ok([201, 404].includes(reply.status) || reply.status >= 500, `${reply.status} ${JSON.stringify(reply.body)}`);
    outcomes.add(reply.status);
  }
  assert.equal(storedObjects(), before, `every file the replies kept is gone with the erased contacts (answers: ${[...outcomes]})`);
});

test("erasing a contact deletes its files from R2, except bytes another message still has", async () => {
  // Another contact's mail has the same PDF: its bytes must outlive the erasure.
  const other = (await mailWithAttachments()).message.attachments[0];
  const tag = unique("");
  const from = `erase-files+${tag}@example.org`;
  const own = Buffer.concat([PNG, Buffer.from(tag)]); // only this contact has these bytes
  const raw = [
    `From: Erin <${from}>`, "To: support@juniper.inbound.example.com", "Subject: two files", `Message-ID: <${tag}.erase@example.org>`,
    "MIME-Version: 1.0", 'Content-Type: multipart/mixed; boundary="b"', "", "--b", "Content-Type: text/plain", "", `files ${tag}`,
    "--b", 'Content-Type: image/png; name="mine.png"', 'Content-Disposition: attachment; filename="mine.png"',
    "Content-Transfer-Encoding: base64", "", own.toString("base64"),
    "--b", 'Content-Type: application/pdf; name="shared.pdf"', 'Content-Disposition: attachment; filename="shared.pdf"',
    "Content-Transfer-Encoding: base64", "", PDF.toString("base64"), "--b--", "",
  ].join("\r\n");
  const before = storedObjects();
  assert.equal((await deliverMail(raw, { from })).status, 200);
  const conversation = (await agentGet("/api/conversations?channel=email")).conversations.find((c) => c.contact_email === from);
  const [mine, shared] = (await agentGet(`/api/conversations/${conversation.id}`)).messages[0].attachments;
  assert.equal(storedObjects(), before + 1, "the PDF's bytes were kept already: only the PNG is new");

  const res = await call("DELETE", `/api/contacts/${conversation.contact_id}`, { token: KEY });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(storedObjects(), before, "the contact's own file is gone from R2");
  assert.equal((await download(mine.url, KEY)).status, 404);
  assert.equal((await download(shared.url, KEY)).status, 404, "its rows are gone");
  const kept = await download(other.url, KEY);
  assert.deepEqual([kept.status, kept.bytes], [200, PDF], "the other contact's copy of the same bytes stays");
});
