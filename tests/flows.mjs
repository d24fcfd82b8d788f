// Sites with a saved chatbot flow, for the flow suites: saved directly
// (flow_versions + sites.flow_version), as Settings' flow editor saves them.
import assert from "node:assert/strict";
import { call, KEY, sql, unique } from "./helpers.mjs";

const quote = (value) => `'${JSON.stringify(value).replaceAll("'", "''")}'`;

/** A new site of the demo account running `flow` as its version `version` (1 unless said). */
export async function siteWithFlow(flow, version = 1) {
  const res = await call("POST", "/api/sites", { token: KEY, json: { name: unique("Flow shop ") } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const site = res.body.id;
  await saveFlow(site, flow, version);
  return site;
}

/** Saves `flow` as the site's version `version`, the one new conversations start on. */
export async function saveFlow(site, flow, version) {
  await sql(`INSERT INTO flow_versions (site_id, version, flow, created_at) VALUES ('${site}', ${version}, ${quote(flow)}, 0);
    UPDATE sites SET flow_version = ${version} WHERE id = '${site}'`);
}
