// `make bench`, live part: reply → widget latency through the real widget in
// Chromium, visitor typing → inbox latency, and fan-out of 1,000 messages to
// 500 inbox sockets with lost and duplicated counts. Figures, not pass/fail.
import { randomUUID } from "node:crypto";
import { URL_, KEY, call, newVisitor, sendChat, launchChromium } from "../tests/helpers.mjs";
import { widgetSocket, inboxSocket, closeAll } from "../tests/sockets.mjs";

/** p50 and p95 of samples (ms), printed under a label. */
function report(label, samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const p = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1);
  console.log(`  ${label.padEnd(40)} p50 ${p(0.5).padStart(6)} ms   p95 ${p(0.95).padStart(6)} ms   (n=${samples.length})`);
}

/** Agent reply sent over HTTP → the line shown in an open widget in Chromium. */
async function replyToWidget(n) {
  const browser = await launchChromium();
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(URL_ + "/");
    await page.locator(".launcher").click();
    await page.locator("#parley-input").fill("bench: hello");
    await page.keyboard.press("Enter");
    await page.locator("li.mine .meta").filter({ hasText: /\d{1,2}:\d{2}/ }).waitFor();
    const token = decodeURIComponent((await page.context().cookies()).find((c) => c.name === "parley_visitor").value);
    const conversation = (await call("GET", "/api/widget/conversation", { token })).body.conversation_id;
    const samples = [];
    for (let i = 0; i < n; i++) {
      const marker = `bench reply ${i} ${randomUUID().slice(0, 6)}`;
      const shown = page.locator("li.theirs", { hasText: marker }).waitFor({ timeout: 20000 });
      const t = performance.now();
      const sent = await call("POST", `/api/conversations/${conversation}/messages`, { token: KEY, json: { body: marker } });
      if (sent.status !== 201) throw new Error(`reply failed: ${sent.status}`);
      await shown;
      samples.push(performance.now() - t);
    }
    report("agent reply → open widget (Chromium)", samples);
  } finally {
    await browser.close();
  }
}

/** A visitor's typing on its socket → the preview on an inbox socket. */
async function typingToInbox(n) {
  const token = await newVisitor();
  await sendChat(token, "bench: typing");
  const [widget, tab] = await Promise.all([widgetSocket(token), inboxSocket({ key: KEY })]);
  await widget.next((p) => p.type === "presence");
  const samples = [];
  for (let i = 0; i < n; i++) {
    const text = `typing ${i}`;
    const t = performance.now();
    widget.say({ type: "typing", text });
    await tab.next((p) => p.type === "visitor_typing" && p.text === text);
    samples.push(performance.now() - t);
    // Paced like a widget (shared::live::TYPING_SEND_MS): faster sends are dropped by design.
    await new Promise((r) => setTimeout(r, 250));
  }
  report("visitor typing → inbox socket", samples);
  await Promise.all([widget.close(), tab.close()]);
}

/** `sockets` inbox sockets of one account; `messages` visitor messages; each socket must hear each once. */
async function fanOut(sockets, messages) {
  const tabs = [];
  for (let i = 0; i < sockets; i += 50) {
    tabs.push(...(await Promise.all(Array.from({ length: Math.min(50, sockets - i) }, () => inboxSocket({ key: KEY })))));
  }
  const run = randomUUID().slice(0, 8);
  const counts = tabs.map(() => new Map());
  tabs.forEach((tab, i) => tab.ws.on("message", (data) => {
    const text = data.toString();
    if (!text.includes(run)) return;
    const push = JSON.parse(text);
    if (push.type === "message") counts[i].set(push.message_id, (counts[i].get(push.message_id) || 0) + 1);
  }));
  const visitors = await Promise.all(Array.from({ length: 10 }, () => newVisitor()));
  const t = performance.now();
  let next = 0;
  const sent = new Set();
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < messages) {
      const i = next++;
      const res = await sendChat(visitors[i % visitors.length], `fan-out ${run} #${i}`);
      if (res.status !== 201) throw new Error(`send failed: ${res.status}`);
      sent.add(res.body.message.id);
    }
  }));
  const sentMs = performance.now() - t;
  // Every socket has heard the last message, or the wait ends (lost ones are counted, not awaited forever).
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline && counts.some((c) => c.size < messages)) await new Promise((r) => setTimeout(r, 100));
  const doneMs = performance.now() - t;
  let lost = 0;
  let duplicated = 0;
  for (const c of counts) {
    for (const id of sent) if (!c.has(id)) lost++;
    for (const n of c.values()) duplicated += n - 1;
  }
  const deliveries = sockets * messages;
  console.log(`  fan-out: ${messages} messages to ${sockets} inbox sockets (${deliveries} deliveries)`);
  console.log(`    sent in ${(sentMs / 1000).toFixed(1)} s; all delivered after ${(doneMs / 1000).toFixed(1)} s (${Math.round(deliveries / (doneMs / 1000))} deliveries/s)`);
  console.log(`    lost ${lost}, duplicated ${duplicated}`);
  await closeAll();
}

/** Prints the live figures. */
export async function live() {
  console.log("\nLive (Durable Objects with hibernating WebSockets, under wrangler dev)");
  await replyToWidget(30);
  await typingToInbox(30);
  await fanOut(500, 1000);
}
