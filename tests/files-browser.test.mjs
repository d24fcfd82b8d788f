// Files both ways in real Chromium against the real worker: an email's
// attachment opened from the inbox (the download's name and bytes, an image's
// thumbnail), a visitor's files picked, dropped or pasted in the widget and
// seen live in the agent's open thread, a refused file saying so, and an
// agent's attachment reaching the visitor's widget, who downloads it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { URL_, call, deliverMail, mailFixture, unique, launchChromium, signInToInbox, sendFromWidget } from "./helpers.mjs";

const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
const PDF = Buffer.from("JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoKdHJhaWxlcgo8PC9Sb290IDEgMCBSPj4KJSVFT0YK", "base64");

let browser;
before(async () => {
  browser = await launchChromium();
});
after(() => browser?.close());

/** The signed-in inbox showing `conversation`, its socket up. */
async function inboxOn(conversation) {
  const page = await signInToInbox(await browser.newContext({ acceptDownloads: true }));
  await page.locator("#team-online", { hasText: /Online|Nobody/ }).waitFor();
  await page.locator(`#list button[data-id="${conversation}"]`).click();
  await page.locator("#composer").waitFor();
  return page;
}

/** A visitor on the demo shop with the panel open, one message stored and the socket up; and its conversation. */
async function visitor() {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(String(e)));
  const presence = new Promise((resolve) => page.on("websocket", (ws) => ws.on("framereceived", (f) => {
    if (f.payload.includes('"presence"')) resolve();
  })));
  await page.goto(URL_ + "/");
  await page.locator(".launcher").click();
  await page.locator(".panel").waitFor({ state: "visible" });
  const text = unique("about my order ");
  await sendFromWidget(page, text);
  await presence;
  const conversation = await page.locator("li.mine", { hasText: text }).evaluate(async (li) => {
    const token = document.cookie.match(/parley_visitor=([^;]+)/)[1];
    const res = await fetch("/api/widget/conversation", { headers: { authorization: `Bearer ${token}` } });
    return (await res.json()).conversation_id;
  });
  return { page, conversation };
}

/** The bytes of a finished download (streamed: the shared Chromium is another process, so the file is not ours to read). */
async function bytesOf(download) {
  const chunks = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk);
  return Buffer.concat(chunks);
}

test("an email's attachment opens from the inbox: the download has its name and bytes, the image a thumbnail", async () => {
  const tag = unique("");
  const v = { From: `ravi+${tag}@example.org`, from: `ravi+${tag}@example.org`, id: `${tag}.browser@mail.example.org`, marker: tag };
  assert.equal((await deliverMail(mailFixture("attachment.eml", v), { from: v.from })).status, 200);
  const page = await signInToInbox(await browser.newContext({ acceptDownloads: true }));
  await page.locator("#list button", { hasText: v.from }).click();
  const thumb = page.locator("#messages .files img.thumb");
  await thumb.waitFor();
  assert.equal(await thumb.getAttribute("alt"), "dent.png");
  await page.waitForFunction((img) => img.complete && img.naturalWidth === 1, await thumb.elementHandle());

  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#messages .files a", { hasText: "invoice-1042.pdf" }).click()]);
  assert.equal(download.suggestedFilename(), "invoice-1042.pdf");
  assert.deepEqual(await bytesOf(download), PDF, "the decoded file, whole");
  assert.match(await page.locator("#messages .files").textContent(), /invoice-1042\.pdf \(application\/pdf, 78 bytes\)/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a visitor's files, picked, dropped or pasted in the widget, show in the agent's open thread without a reload", async () => {
  const { page, conversation } = await visitor();
  const agent = await inboxOn(conversation);

  // Picked with the paperclip (the facade adds it once the panel has focus).
  await page.locator(".clip input[type=file]").setInputFiles({ name: "screenshot.png", mimeType: "image/png", buffer: PNG });
  await page.locator("li.mine", { hasText: "📎 screenshot.png" }).waitFor();
  const thumb = agent.locator("#messages .msg .files img.thumb[alt='screenshot.png']");
  await thumb.waitFor();
  await agent.waitForFunction((img) => img.complete && img.naturalWidth === 1, await thumb.elementHandle());

  // Dropped on the panel, and pasted into the composer.
  const transfer = (name, type, base64) => page.evaluateHandle(([name, type, base64]) => {
    const data = new DataTransfer();
    data.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type }));
    return data;
  }, [name, type, base64]);
  await page.locator(".panel").dispatchEvent("drop", { dataTransfer: await transfer("scan.pdf", "application/pdf", PDF.toString("base64")) });
  await page.locator("li.mine", { hasText: "📎 scan.pdf" }).waitFor();
  await agent.locator("#messages .msg .files a", { hasText: "scan.pdf" }).waitFor();
  const pasted = await transfer("pasted.png", "image/png", PNG.toString("base64"));
  await page.locator("#parley-input").evaluate((input, clipboardData) => {
    input.dispatchEvent(new ClipboardEvent("paste", { clipboardData, bubbles: true, composed: true }));
  }, pasted);
  await page.locator("li.mine", { hasText: "📎 pasted.png" }).waitFor();
  await agent.locator("#messages .msg .files img.thumb[alt='pasted.png']").waitFor();

  // A file the worker refuses says so in the widget, and reaches nobody.
  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
  await page.locator(".clip input[type=file]").setInputFiles({ name: "logo.svg", mimeType: "image/svg+xml", buffer: svg });
  await page.locator(".notice", { hasText: "File not sent" }).waitFor();
  assert.equal(await page.locator("li.mine", { hasText: "logo.svg" }).count(), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
  await agent.context().close();
});

test("an agent's file reaches the visitor's open widget, who downloads it", async () => {
  const { page, conversation } = await visitor();
  const agent = await inboxOn(conversation);
  await agent.locator("#reply-files").setInputFiles({ name: "facture n°7.pdf", mimeType: "application/pdf", buffer: PDF });
  await agent.locator("#reply-body").fill("Here is your invoice");
  await agent.locator("#composer button[type=submit]").click();
  await agent.locator("#messages .msg.outbound .files a", { hasText: "facture n°7.pdf" }).waitFor();

  const line = page.locator("li.theirs", { hasText: "📎 facture n°7.pdf" });
  await line.waitFor();
  assert.match(await line.textContent(), /Here is your invoice/);
  const [download] = await Promise.all([page.waitForEvent("download"), line.locator(".body").click()]);
  assert.equal(download.suggestedFilename(), "facture n°7.pdf");
  assert.deepEqual(await bytesOf(download), PDF);
  assert.deepEqual(page.errors, []);
  await page.context().close();
  await agent.context().close();
});

test("the primary admin turns visitors' files off and on in Settings › Widget", async () => {
  const admin = await signInToInbox(await browser.newContext());
  await admin.click("#to-settings");
  await admin.selectOption("#s-site", "s_form_b");
  await admin.locator("#settings[data-site=s_form_b]").waitFor();
  const files = admin.locator("#w-files");
  assert.equal(await files.isChecked(), true, "on by default");
  await files.uncheck();
  await admin.click("#widget-form button[type=submit]");
  await admin.locator("#w-saved", { hasText: "Saved" }).waitFor();
  assert.equal((await call("GET", "/api/widget/sites/s_form_b/config")).body.files, false);
  await files.check();
  await admin.click("#widget-form button[type=submit]");
  await admin.locator("#w-saved", { hasText: "Saved" }).waitFor();
  assert.equal((await call("GET", "/api/widget/sites/s_form_b/config")).body.files, true);
  await admin.context().close();
});
