// The hot paths are held to their D1 round trips (a batch counts once): the
// worker reports its count per call in `x-d1-round-trips`, and per stored
// mail in its log.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { call, newVisitor, sendChat, deliverMail, mailFixture, mailTrips } from "./helpers.mjs";

const trips = (res) => Number(res.headers.get("x-d1-round-trips"));

test("a chat send, its retry and a thread read are one D1 round trip each", async () => {
  const token = await newVisitor();
  const id = randomUUID();
  const first = await sendChat(token, "one trip", id);
  assert.equal(first.status, 201);
  assert.equal(trips(first), 1, "new message");
  const retry = await sendChat(token, "one trip", id);
  assert.equal(retry.status, 200);
  assert.equal(trips(retry), 1, "retry");
  const again = await sendChat(token, "second message");
  assert.equal(trips(again), 1, "into the existing conversation");
  const read = await call("GET", "/api/widget/conversation", { token });
  assert.equal(read.status, 200);
  assert.equal(trips(read), 1, "thread read");
  const after = await call("GET", `/api/widget/conversation?after=${first.body.message.seq}`, { token });
  assert.equal(trips(after), 1, "catch-up read");
});

test("an inbound mail, new or a reply threaded by References, is stored in at most two D1 round trips, one once the mailbox is known", async () => {
  const tag = randomUUID().slice(0, 8);
  const from = `trips+${tag}@example.org`;
  const vars = { From: from, from, id: `${tag}.trips@example.org`, marker: tag };
  assert.equal((await deliverMail(mailFixture("plain.eml", vars), { from })).status, 200);
  assert.ok(await mailTrips(vars.id) <= 2, "a new mail: the mailbox (unless this worker read it in the last minute), then one batch");
  const reply = { ...vars, id: `${tag}.reply@example.org`, parent: vars.id, marker: `${tag}-reply` };
  assert.equal((await deliverMail(mailFixture("reply.eml", reply), { from })).status, 200);
  assert.equal(await mailTrips(reply.id), 1, "a reply to a mailbox just seen: one batch, threading inside it");
});
