// Merging on the real worker (issue 22): a conversation into another of the
// same contact (real chat and real RFC 5322 mail through the email handler),
// a contact into a duplicate. Messages interleave by time, mail threaded to the
// merged-away conversation (References, its signed reply address) lands in the
// survivor, the merged-away visitor's widget shows the survivor, search finds
// it once, the old id answers for the survivor; a retry changes nothing more,
// two merges raced never lose data or make a cycle, and bad merges are 4xx.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import {
  call, agentGet, deliverMail, form, identify, mailFixture, newVisitor, replyAddress, sendChat, sign, sql,
  thread, unique, widgetView, KEY, AGENT_KEY,
} from "./helpers.mjs";
import { widgetSocket, closeAll } from "./sockets.mjs";

after(closeAll);

const OTHER_ACCOUNT_KEY = "pk_other_account_000000000000000000000000000000000";

/** A phone number no other test uses (duplicates are suggested by phone). */
const uniquePhone = () => `+4420${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
const merge = (id, into, token = KEY) => call("POST", `/api/conversations/${id}/merge`, { token, json: { into } });
const mergeContact = (id, into, token = KEY) => call("POST", `/api/contacts/${id}/merge`, { token, json: { into } });

/** A mail from `from` through the email handler (plain.eml, or `fixture` with `vars`); its Message-ID. */
async function mail(from, { fixture = "plain.eml", ...vars } = {}) {
  const id = `${unique("m")}@mail.example.org`;
  const marker = vars.marker ?? unique("w");
  const res = await deliverMail(mailFixture(fixture, { From: from, from, id, marker, ...vars }), { from });
  assert.equal(res.status, 200, res.text);
  return { id, marker };
}

/** The email conversation of `from` holding the mail with `marker`. */
async function mailConversation(from, marker) {
  const page = await agentGet(`/api/conversations?q=${encodeURIComponent(marker)}`);
  const found = page.conversations.find((c) => c.contact_email === from);
  assert.ok(found, `a conversation of ${from} with ${marker}`);
  return found;
}

/** A visitor of `site` who wrote `bodies` and answered the Form with `email` (an unverified claim); its token and conversation. */
async function claimingVisitor(email, bodies, site = "s_demo") {
  const token = await newVisitor(site);
  for (const body of bodies) assert.equal((await sendChat(token, body)).status, 201);
  assert.ok((await form(token, { email })).status < 300);
  return { token, id: (await widgetView(token)).conversation_id };
}

test("a chat merged into the email thread of its contact: interleaved by time, mail to the old thread lands in the survivor, the old id answers for it, search finds it once", async () => {
  const from = `${unique("merge")}@example.org`;
  const first = await mail(from);
  const email = await mailConversation(from, first.marker);
  const chatWord = unique("chatword");
  const chat = await claimingVisitor(from, [`my order ${chatWord}`]);
  const chatThread = await thread(chat.id);
  assert.equal(chatThread.conversation.contact_id, email.contact_id, "the Form's claim filed the chat under the mail's contact");
  // The email thread merges into the chat (the survivor): mail threaded to the email thread must follow.
  const merged = await merge(email.id, chat.id);
  assert.equal(merged.status, 200, JSON.stringify(merged.body));
  assert.equal(merged.body.conversation.id, chat.id);
  // A reply to the first mail (References) and one to the old thread's signed reply address.
  const byReference = await mail(from, { fixture: "reply.eml", parent: first.id });
  const byAddress = await mail(from, { fixture: "reply-address.eml", reply_to: replyAddress(email.id) });
  const survivor = await thread(chat.id);
  const bodies = survivor.messages.map((m) => m.body);
  const at = (text) => bodies.findIndex((b) => b.includes(text));
  assert.ok(at(first.marker) >= 0 && at(chatWord) > at(first.marker), `the first mail, then the chat: ${bodies}`);
  assert.ok(at(byReference.marker) > at(chatWord) && at(byAddress.marker) > at(byReference.marker), `then both replies: ${bodies}`);
  const times = survivor.messages.map((m) => m.created_at);
  assert.deepEqual(times, [...times].sort((a, b) => a - b), "in time order");
  const seqs = new Set((await sql(`SELECT seq FROM messages WHERE conversation_id = '${chat.id}'`)).map((r) => r.seq));
  assert.equal(seqs.size, survivor.messages.length, "every message numbered once");
  // The survivor's trail says who merged what.
  const event = survivor.trail.find((e) => e.kind === "merged");
  assert.equal(event?.detail, email.id);
  assert.ok(event.agent_name, "with who");
  // The old id answers for the survivor (200 with its thread); it is gone from the list, and search finds the survivor once.
  const old = await call("GET", `/api/conversations/${email.id}`, { token: KEY });
  assert.deepEqual([old.status, old.body.conversation.id], [200, chat.id]);
  for (const word of [first.marker, chatWord, byAddress.marker]) {
    const hits = (await agentGet(`/api/conversations?q=${encodeURIComponent(word)}`)).conversations.map((c) => c.id);
    assert.deepEqual(hits, [chat.id], `search for ${word}`);
  }
  const byPerson = (await agentGet(`/api/conversations?q=${encodeURIComponent(from)}`)).conversations.map((c) => c.id);
  assert.deepEqual(byPerson, [chat.id], "the person's conversations, once");
  assert.ok(!(await agentGet("/api/conversations?limit=100")).conversations.some((c) => c.id === email.id), "not listed");
  const profile = await agentGet(`/api/contacts/${email.contact_id}`);
  assert.deepEqual(profile.conversations.map((c) => c.id), [chat.id]);
  // The chat's visitor (an unverified claim) still sees its own chat and never the email.
  const widget = await widgetView(chat.token);
  assert.equal(widget.conversation_id, chat.id);
  assert.deepEqual(widget.messages.map((m) => m.body), [`my order ${chatWord}`]);
  // A write to the old id acts on the survivor.
  const reply = await call("POST", `/api/conversations/${email.id}/messages`, { token: KEY, json: { body: "merged reply", channel: "chat" } });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  assert.equal(reply.body.message.conversation_id, chat.id);
});

test("a verified visitor whose chat was merged away sees the survivor's thread and writes into it", async () => {
  const address = `${unique("verified")}@example.org`;
  const site = "s_id_optional";
  const a = await newVisitor(site);
  assert.equal((await sendChat(a, "from the laptop")).status, 201);
  const b = await newVisitor(site);
  assert.equal((await sendChat(b, "from the phone")).status, 201);
  const [ka, kb] = [(await widgetView(a)).conversation_id, (await widgetView(b)).conversation_id];
  for (const token of [a, b]) assert.ok((await identify(token, { email: address, signature: sign(address, site) })).status < 300);
  assert.notEqual(ka, kb);
  const res = await merge(kb, ka);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  await call("POST", `/api/conversations/${ka}/messages`, { token: KEY, json: { body: "one thread now", channel: "chat" } });
  for (const token of [a, b]) {
    const seen = await widgetView(token);
    assert.equal(seen.conversation_id, ka);
    assert.deepEqual(seen.messages.map((m) => m.body), ["from the laptop", "from the phone", "one thread now"]);
  }
  assert.equal((await sendChat(b, "still here")).body.message.conversation_id, ka, "the merged-away visitor writes into the survivor");
  const seqs = (await widgetView(a)).messages.map((m) => m.seq);
  assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y));
});

test("two unverified visitors of one contact, merged: each sees its own history and the team's replies after the merge, never the other's", async () => {
  const email = `${unique("claim")}@example.org`;
  const one = await claimingVisitor(email, ["first browser"]);
  const two = await claimingVisitor(email, ["second browser"]);
  assert.equal((await thread(one.id)).conversation.contact_id, (await thread(two.id)).conversation.contact_id);
  assert.equal((await merge(two.id, one.id)).status, 200);
  // The merged-away visitor's open widget hears the team's reply live.
  const live = await widgetSocket(two.token);
  const heard = live.next((p) => p.type === "message" && p.message.body === "after the merge");
  await call("POST", `/api/conversations/${one.id}/messages`, { token: KEY, json: { body: "after the merge", channel: "chat" } });
  assert.equal((await heard).message.conversation_id, one.id);
  await live.close();
  const [seenOne, seenTwo] = [await widgetView(one.token), await widgetView(two.token)];
  assert.equal(seenTwo.conversation_id, one.id, "the merged-away widget follows the survivor");
  assert.deepEqual(seenOne.messages.map((m) => m.body), ["first browser", "after the merge"]);
  assert.deepEqual(seenTwo.messages.map((m) => m.body), ["second browser", "after the merge"]);
  assert.equal((await sendChat(two.token, "again")).body.message.conversation_id, one.id);
  assert.deepEqual((await widgetView(two.token)).messages.map((m) => m.body), ["second browser", "after the merge", "again"]);
});

test("labels, notes, mentions and snooze follow a merge; a retry answers the same and changes nothing more", async () => {
  const email = `${unique("follow")}@example.org`;
  const survivor = await claimingVisitor(email, ["kept"]);
  const away = await claimingVisitor(email, ["moved"]);
  const label = (await call("POST", "/api/labels", { token: KEY, json: { name: unique("merge "), colour: "#1d4ed8" } })).body.id;
  assert.equal((await call("PATCH", `/api/conversations/${away.id}/labels`, { token: KEY, json: { add: [label] } })).status, 200);
  const mentioned = (await call("GET", "/api/session", { token: AGENT_KEY })).body.agent;
  const note = await call("POST", `/api/conversations/${away.id}/notes`, { token: KEY, json: { body: `see @${mentioned.full_name}` } });
  assert.equal(note.status, 201, JSON.stringify(note.body));
  assert.equal((await call("PUT", `/api/conversations/${away.id}/snooze`, { token: KEY, json: { until_reply: true } })).status, 200);
  const first = await merge(away.id, survivor.id);
  assert.equal(first.status, 200);
  const after = await thread(survivor.id);
  assert.ok(after.conversation.label_ids.includes(label), "the label moved");
  assert.ok(after.trail.some((e) => e.kind === "note" && e.id === note.body.note.id), "the note moved");
  const mentions = (await call("GET", "/api/mentions", { token: AGENT_KEY })).body.conversations;
  assert.ok(mentions.some((m) => m.conversation.id === survivor.id) && !mentions.some((m) => m.conversation.id === away.id), "the mention moved");
  const [row] = await sql(`SELECT status, snoozed_at, merged_into FROM conversations WHERE id = '${away.id}'`);
  assert.deepEqual(row, { status: "closed", snoozed_at: null, merged_into: survivor.id });
  // The same request again, and the pair again by the other agent: the same answer, nothing more.
  const count = async () => (await sql(`SELECT (SELECT COUNT(*) FROM messages WHERE conversation_id = '${survivor.id}') AS m,
      (SELECT COUNT(*) FROM trail WHERE conversation_id = '${survivor.id}' AND kind = 'merged') AS e`))[0];
  const before = await count();
  for (const token of [KEY, AGENT_KEY]) {
    const again = await merge(away.id, survivor.id, token);
    assert.equal(again.status, 200);
    assert.equal(again.body.conversation.id, first.body.conversation.id);
  }
  assert.deepEqual(await count(), before);
  assert.equal(before.e, 1, "one merge event");
});

test("raced merges: A into B and B into A at once make no cycle and lose nothing; A into B twice at once merges once", async () => {
  for (let round = 0; round < 3; round++) {
    const email = `${unique("race")}@example.org`;
    const a = await claimingVisitor(email, ["a1", "a2"]);
    const b = await claimingVisitor(email, ["b1"]);
    const answers = await Promise.all([merge(a.id, b.id), merge(b.id, a.id)]);
    const statuses = answers.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 409], JSON.stringify(answers.map((r) => r.body)));
    const rows = await sql(`SELECT id, merged_into FROM conversations WHERE id IN ('${a.id}', '${b.id}')`);
    const merged = rows.filter((r) => r.merged_into);
    assert.equal(merged.length, 1, "exactly one merged away: no cycle");
    const survivor = rows.find((r) => !r.merged_into).id;
    const bodies = (await thread(survivor)).messages.map((m) => m.body).sort();
    assert.deepEqual(bodies, ["a1", "a2", "b1"]);
  }
  const email = `${unique("twice")}@example.org`;
  const a = await claimingVisitor(email, ["x"]);
  const b = await claimingVisitor(email, ["y"]);
  const twice = await Promise.all([merge(a.id, b.id), merge(a.id, b.id, AGENT_KEY)]);
  assert.deepEqual(twice.map((r) => r.status), [200, 200]);
  const [{ e }] = await sql(`SELECT COUNT(*) AS e FROM trail WHERE conversation_id = '${b.id}' AND kind = 'merged'`);
  assert.equal(e, 1);
});

test("bad merges answer a clear 4xx and write nothing: itself, another contact, into a merged-away one, elsewhere already, another account", async () => {
  const email = `${unique("bad")}@example.org`;
  const a = await claimingVisitor(email, ["a"]);
  const b = await claimingVisitor(email, ["b"]);
  const c = await claimingVisitor(email, ["c"]);
  const stranger = await claimingVisitor(`${unique("stranger")}@example.org`, ["s"]);
  const anonymous = await newVisitor();
  await sendChat(anonymous, "nobody yet");
  const nobody = (await widgetView(anonymous)).conversation_id;
  const code = (res) => [res.status, res.body.error?.code];
  assert.deepEqual(code(await merge(a.id, a.id)), [400, "merge_into_itself"]);
  assert.deepEqual(code(await merge(a.id, stranger.id)), [400, "merge_other_contact"]);
  assert.deepEqual(code(await merge(nobody, a.id)), [400, "merge_other_contact"], "a conversation without a contact merges nowhere");
  assert.equal((await merge(a.id, "c_0000000000000000000000000000000000")).status, 404);
  assert.equal((await merge(b.id, c.id)).status, 200);
  assert.deepEqual(code(await merge(a.id, b.id)), [409, "merge_into_merged"]);
  assert.deepEqual(code(await merge(b.id, a.id)), [409, "already_merged"]);
  // Another account sees none of it: neither side, either way round.
  assert.equal((await merge(a.id, c.id, OTHER_ACCOUNT_KEY)).status, 404);
  assert.equal((await call("GET", `/api/conversations/${b.id}`, { token: OTHER_ACCOUNT_KEY })).status, 404);
  assert.equal((await call("POST", "/api/conversations/x/merge", { token: KEY, json: { into: a.id, extra: 1 } })).status, 400);
  const [row] = await sql(`SELECT merged_into FROM conversations WHERE id = '${a.id}'`);
  assert.equal(row.merged_into, null, "nothing written by a refusal");
});

test("contacts merge: conversations, labels, fields and visitors' ties move (verified stays verified, a claim stays a claim); mail to either address lands with the survivor; retried, nothing more", async () => {
  const [keep, dup] = [`${unique("keep")}@example.org`, `${unique("dup")}@example.org`];
  const kept = await mail(keep);
  const keptContact = (await mailConversation(keep, kept.marker)).contact_id;
  const dupMail = await mail(dup);
  const dupConversation = await mailConversation(dup, dupMail.marker);
  const dupContact = dupConversation.contact_id;
  const phone = uniquePhone();
  assert.equal((await call("PATCH", `/api/contacts/${dupContact}`, { token: KEY, json: { phone, company: "Fog Tea" } })).status, 200);
  assert.equal((await call("PATCH", `/api/contacts/${keptContact}`, { token: KEY, json: { phone } })).status, 200);
  const suggested = (await agentGet(`/api/contacts/${keptContact}/duplicates`)).contacts.map((c) => c.id);
  assert.deepEqual(suggested, [dupContact], "a duplicate by phone is suggested");
  const label = (await call("POST", "/api/labels", { token: KEY, json: { name: unique("vip "), colour: "#b91c1c" } })).body.id;
  await call("PATCH", `/api/contacts/${dupContact}/labels`, { token: KEY, json: { add: [label] } });
  // A claim (the Form) and a signed identify tie visitors to the duplicate.
  const claim = await claimingVisitor(dup, ["claimed"]);
  const verified = await newVisitor("s_id_optional");
  assert.ok((await identify(verified, { email: dup, signature: sign(dup, "s_id_optional") })).status < 300);
  const ties = () => sql(`SELECT id, contact_id, contact_verified FROM visitors WHERE id IN ('${claim.token.split(".")[0]}', '${verified.split(".")[0]}') ORDER BY id`);
  const tiedBefore = await ties();
  // Attributes: the duplicate's value the survivor lacks moves; the survivor's own stays and the other is kept aside.
  const [plan, seats] = [unique("plan_"), unique("seats_")].map((k) => k.toLowerCase().replaceAll("-", "_"));
  for (const [key, kind] of [[plan, "text"], [seats, "number"]]) {
    assert.equal((await call("POST", "/api/attributes", { token: KEY, json: { key, name: key, kind } })).status, 201);
  }
  assert.equal((await call("PATCH", `/api/contacts/${dupContact}/attributes`, { token: KEY, json: { [plan]: "Pro", [seats]: 3 } })).status, 200);
  assert.equal((await call("PATCH", `/api/contacts/${keptContact}/attributes`, { token: KEY, json: { [plan]: "Free" } })).status, 200);
  const res = await mergeContact(dupContact, keptContact);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.contact.id, keptContact);
  assert.equal(res.body.contact.company, "Fog Tea", "a field the survivor lacked");
  assert.equal(res.body.contact.email, keep, "the survivor keeps its address");
  assert.ok(res.body.contact.label_ids.includes(label));
  assert.deepEqual([res.body.contact.attributes[plan], res.body.contact.attributes[seats]], ["Free", 3], "its own value kept, the one it lacked taken");
  assert.deepEqual(await sql(`SELECT value FROM contact_attribute_values v JOIN attributes a ON a.id = v.attribute_id WHERE v.contact_id = '${dupContact}' AND a.key = '${plan}'`),
    [{ value: '"Pro"' }], "the other value stays on the merged-away row, not lost");
  const ids = res.body.conversations.map((c) => c.id);
  assert.ok(ids.includes(dupConversation.id) && ids.includes(claim.id), "its conversations moved");
  const tiedAfter = await ties();
  assert.deepEqual(tiedAfter.map((v) => [v.id, v.contact_id, v.contact_verified]), tiedBefore.map((v) => [v.id, keptContact, v.contact_verified]),
    "ties move as verified as they were");
  assert.ok(tiedAfter.some((v) => v.contact_verified === 1) && tiedAfter.some((v) => v.contact_verified === 0));
  // New mail from the duplicate's address lands with the survivor; the old id answers for it.
  const later = await mail(dup);
  const landed = (await agentGet(`/api/conversations?q=${encodeURIComponent(later.marker)}`)).conversations;
  assert.deepEqual(landed.map((c) => [c.contact_id, c.contact_email]), [[keptContact, keep]]);
  const old = await call("GET", `/api/contacts/${dupContact}`, { token: KEY });
  assert.deepEqual([old.status, old.body.contact.id], [200, keptContact]);
  // Retried: the same answer, nothing more; the other way round is a conflict; another account sees nothing.
  const again = await mergeContact(dupContact, keptContact, AGENT_KEY);
  assert.equal(again.status, 200);
  assert.deepEqual(again.body.contact, (await agentGet(`/api/contacts/${keptContact}`)).contact);
  assert.deepEqual([(await mergeContact(keptContact, dupContact)).status], [409]);
  assert.equal((await mergeContact(keptContact, keptContact)).status, 400);
  assert.equal((await mergeContact(dupContact, keptContact, OTHER_ACCOUNT_KEY)).status, 404);
  // The export shows the merged-away row (its address); erasing the person (by either id) erases both rows.
  const exported = (await call("GET", `/api/contacts/${keptContact}/export`, { token: KEY })).body;
  assert.deepEqual(exported.merged_contacts.map((c) => [c.id, c.email]), [[dupContact, dup]]);
  assert.ok((await call("DELETE", `/api/contacts/${dupContact}`, { token: KEY })).status < 300);
  assert.deepEqual(await sql(`SELECT id FROM contacts WHERE id IN ('${keptContact}', '${dupContact}')`), []);
});

test("a contact without an address takes the duplicate's; raced contact merges never make a cycle", async () => {
  const address = `${unique("addr")}@example.org`;
  const sent = await mail(address);
  const withMail = (await mailConversation(address, sent.marker)).contact_id;
  const anonymous = await newVisitor();
  await sendChat(anonymous, "no address yet");
  const conversation = (await widgetView(anonymous)).conversation_id;
  const added = await call("POST", `/api/conversations/${conversation}/contact`, { token: KEY, json: { email: `${unique("tmp")}@example.org` } });
  assert.equal(added.status, 200, JSON.stringify(added.body));
  // Arranged: a contact with no address (agents can clear phone and name, not an address).
  const bare = added.body.conversation.contact_id;
  await sql(`UPDATE contacts SET email = NULL WHERE id = '${bare}'`);
  const res = await mergeContact(withMail, bare);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.contact.email, address, "the address moved to the survivor");
  const [x, y] = [`${unique("rx")}@example.org`, `${unique("ry")}@example.org`];
  const cx = (await mailConversation(x, (await mail(x)).marker)).contact_id;
  const cy = (await mailConversation(y, (await mail(y)).marker)).contact_id;
  const raced = await Promise.all([mergeContact(cx, cy), mergeContact(cy, cx)]);
  assert.deepEqual(raced.map((r) => r.status).sort(), [200, 409]);
  const rows = await sql(`SELECT merged_into FROM contacts WHERE id IN ('${cx}', '${cy}')`);
  assert.equal(rows.filter((r) => r.merged_into).length, 1);
});

test("the merge lookups read by index: what was merged into a conversation or contact, a contact's messages, duplicates by phone, the widget's check", async () => {
  const cases = [
    ["SELECT id FROM conversations WHERE merged_into = 'c_x'", "conversations_merged_into"],
    ["SELECT id FROM contacts WHERE merged_into = 'ct_x'", "contacts_merged_into"],
    ["SELECT id FROM messages WHERE contact_id = 'ct_x'", "messages_by_contact"],
    ["SELECT agent_id FROM mentions WHERE conversation_id = 'c_x'", "mentions_by_conversation"],
    ["SELECT id FROM contacts WHERE account_id = 'a_demo' AND merged_into IS NULL AND phone = '+1'", "contacts_by_phone"],
    // The widget's thread read (a hot path): a reply after the visitor's conversation was merged in.
    ["SELECT 1 FROM conversations o WHERE o.visitor_id = 'v_x' AND o.merged_into = 'c_x' AND o.merged_at <= 5", "conversations_"],
  ];
  for (const [query, index] of cases) {
    const plan = (await sql(`EXPLAIN QUERY PLAN ${query}`)).map((r) => r.detail);
    assert.ok(plan.some((d) => d.includes(index)), `${query}: ${plan}`);
    assert.ok(!plan.some((d) => /^SCAN|TEMP B-TREE/.test(d)), `${query}: ${plan}`);
  }
});
