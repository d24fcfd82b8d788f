// The widget's hot paths cost one D1 round trip each (a batch counts once):
// the worker reports its count per call in `x-d1-round-trips`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { call, newVisitor, sendChat } from "./helpers.mjs";

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
