// @ts-check
// The inbox's one way to reach the API: a fetch wrapper that sends JSON and the
// session's CSRF token, and turns every failure into an ApiError with the API's
// readable message; the typed client (one function per endpoint, each naming
// the shape it answers, from api-types.d.ts, which is generated from
// shared/src/api); the request-order guard each pane uses, and the coalescing
// of reloads that live pushes ask for.

/** @typedef {import("./api-types").Conversation} Conversation */
/** @typedef {import("./api-types").Message} Message */
/** @typedef {import("./api-types").Claim} Claim */
/** @typedef {import("./api-types").Agent} Agent */
/** @typedef {import("./api-types").Activity} Activity */
/** @typedef {import("./api-types").EmailChannel} EmailChannel */

let csrf = null;

/** Remembers the session's CSRF token, sent on every change. */
/** @param {string | null} token */
export function setCsrf(token) {
  csrf = token;
}

/** A failed call: HTTP status (0 when the network failed), the API's code and readable message. */
export class ApiError extends Error {
  /** @param {number} status @param {any} body */
  constructor(status, body) {
    super(body?.error?.message || `The server answered ${status}. Please try again.`);
    this.name = "ApiError";
    this.status = status;
    this.code = body?.error?.code;
    /** The chatbot flow's step a refusal names, if any. @type {string | undefined} */
    this.step = body?.error?.step;
  }
}

/**
 * Calls the API; resolves to the parsed JSON body, or rejects with an ApiError.
 * @param {string} method
 * @param {string} path
 * @param {unknown} [json] sent as JSON, or as multipart/form-data when it is FormData
 * @returns {Promise<any>}
 */
async function api(method, path, json) {
  /** @type {Record<string, string>} */
  const headers = {};
  const form = json instanceof FormData;
  if (json !== undefined && !form) headers["content-type"] = "application/json";
  if (method !== "GET" && csrf) headers["x-csrf-token"] = csrf;
  let res;
  try {
    const body = json === undefined ? undefined : form ? json : JSON.stringify(json);
    res = await fetch(path, { method, headers, body, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, { error: { code: "network", message: "Parley could not be reached. Check the connection and try again." } });
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

const id = encodeURIComponent;

/** The endpoints the inbox calls, each with the shape it answers. */
export const client = {
  /** @param {URLSearchParams} params @returns {Promise<import("./api-types").ConversationPage>} */
  conversations: (params) => api("GET", `/api/conversations?${params}`),
  /** @param {string} c @returns {Promise<import("./api-types").Thread>} */
  thread: (c) => api("GET", `/api/conversations/${id(c)}`),
  /** @param {string} c @returns {Promise<unknown>} */
  markRead: (c) => api("POST", `/api/conversations/${id(c)}/read`),
  /** @param {string} c @param {import("./api-types").ConversationChanges} fields @returns {Promise<import("./api-types").ConversationAnswer>} */
  update: (c, fields) => api("PATCH", `/api/conversations/${id(c)}`, fields),
  /** @param {string} c @param {import("./api-types").NewNote} note @returns {Promise<import("./api-types").NoteAnswer>} */
  addNote: (c, note) => api("POST", `/api/conversations/${id(c)}/notes`, note),
  /** @param {string | null} [before] the previous page's `next` @returns {Promise<import("./api-types").Mentions>} */
  mentions: (before) => api("GET", `/api/mentions${before ? `?before=${id(before)}` : ""}`),
  /** @param {string} c @param {import("./api-types").SnoozeInput} input @returns {Promise<import("./api-types").ConversationAnswer>} */
  snooze: (c, input) => api("PUT", `/api/conversations/${id(c)}/snooze`, input),
  /** @param {string} c @returns {Promise<import("./api-types").ConversationAnswer>} */
  unsnooze: (c) => api("DELETE", `/api/conversations/${id(c)}/snooze`),
  /** @param {string} c @returns {Promise<import("./api-types").EmailDraft>} */
  emailDraft: (c) => api("GET", `/api/conversations/${id(c)}/email-draft`),
  /** @param {string} c @param {{body: string, channel: "chat" | "email" | "messenger", subject?: string, confirm_unverified?: string, cc?: string[], bcc?: string[]}} reply @returns {Promise<import("./api-types").MessageAnswer>} */
  reply: (c, reply) => api("POST", `/api/conversations/${id(c)}/messages`, reply),
  /**
   * A reply with files (multipart: the reply's fields and one `file` part each).
   * @param {string} c @param {{body: string, channel: "chat" | "email" | "messenger", subject?: string, confirm_unverified?: string, cc?: string[], bcc?: string[]}} reply
   * @param {File[]} files @returns {Promise<import("./api-types").MessageAnswer>}
   */
  replyWithFiles: (c, reply, files) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(reply)) form.append(k, String(v));
    for (const f of files) form.append("file", f, f.name);
    return api("POST", `/api/conversations/${id(c)}/messages`, form);
  },
  /** @param {string} c @param {{email: string, full_name?: string}} details @returns {Promise<import("./api-types").ConversationAnswer>} */
  addContact: (c, details) => api("POST", `/api/conversations/${id(c)}/contact`, details),
  /** @param {string} contact @returns {Promise<import("./api-types").ContactProfile>} */
  contact: (contact) => api("GET", `/api/contacts/${id(contact)}`),
  /** @param {string} contact @param {{phone?: string | null, company?: string | null, full_name?: string | null}} edit @returns {Promise<import("./api-types").ContactProfile>} */
  editContact: (contact, edit) => api("PATCH", `/api/contacts/${id(contact)}`, edit),
  /** @param {string} contact @returns {Promise<unknown>} */
  eraseContact: (contact) => api("DELETE", `/api/contacts/${id(contact)}`),
  /** @param {string} c @returns {Promise<import("./api-types").RenderedReplies>} */
  savedRepliesFor: (c) => api("GET", `/api/conversations/${id(c)}/saved-replies`),
  /** @param {string} c @param {{idempotency_key: string, confirm_unverified?: string}} request @returns {Promise<import("./api-types").Transcript>} */
  sendTranscript: (c, request) => api("POST", `/api/conversations/${id(c)}/transcript`, request),
  /** @returns {Promise<import("./api-types").AgentSignature>} */
  signature: () => api("GET", "/api/signature"),
  /** @param {string} signature @returns {Promise<import("./api-types").AgentSignature>} */
  setSignature: (signature) => api("PUT", "/api/signature", { signature }),
  /** @param {string} signature @returns {Promise<import("./api-types").SignaturePreview>} */
  previewSignature: (signature) => api("POST", "/api/signature/preview", { signature }),
  /** @returns {Promise<import("./api-types").AccountTimeZone>} */
  timeZone: () => api("GET", "/api/account/time-zone"),
  /** @param {string} time_zone @returns {Promise<import("./api-types").AccountTimeZone>} */
  setTimeZone: (time_zone) => api("PUT", "/api/account/time-zone", { time_zone }),
  /** @returns {Promise<import("./api-types").SavedReplies>} */
  savedReplies: () => api("GET", "/api/saved-replies"),
  /** @param {{shortcut: string, title: string, body: string}} reply @returns {Promise<import("./api-types").SavedReply>} */
  createSavedReply: (reply) => api("POST", "/api/saved-replies", reply),
  /** @param {string} r @param {{shortcut?: string, title?: string, body?: string}} changes @returns {Promise<import("./api-types").SavedReply>} */
  updateSavedReply: (r, changes) => api("PATCH", `/api/saved-replies/${id(r)}`, changes),
  /** @param {string} r @returns {Promise<unknown>} */
  deleteSavedReply: (r) => api("DELETE", `/api/saved-replies/${id(r)}`),
  /** @returns {Promise<import("./api-types").Labels>} */
  labels: () => api("GET", "/api/labels"),
  /** @param {{name: string, colour: string}} label @returns {Promise<import("./api-types").Label>} */
  createLabel: (label) => api("POST", "/api/labels", label),
  /** @param {string} l @param {{name?: string, colour?: string}} changes @returns {Promise<import("./api-types").Label>} */
  updateLabel: (l, changes) => api("PATCH", `/api/labels/${id(l)}`, changes),
  /** @param {string} l @returns {Promise<unknown>} */
  deleteLabel: (l) => api("DELETE", `/api/labels/${id(l)}`),
  /** @param {string} c @param {{add?: string[], remove?: string[]}} change @returns {Promise<import("./api-types").AppliedLabels>} */
  labelConversation: (c, change) => api("PATCH", `/api/conversations/${id(c)}/labels`, change),
  /** @param {string} contact @param {{add?: string[], remove?: string[]}} change @returns {Promise<import("./api-types").AppliedLabels>} */
  labelContact: (contact, change) => api("PATCH", `/api/contacts/${id(contact)}/labels`, change),
  /** @returns {Promise<import("./api-types").AgentTeams>} */
  teams: () => api("GET", "/api/teams"),
  /** @param {string} name @returns {Promise<import("./api-types").AgentTeam>} */
  createTeam: (name) => api("POST", "/api/teams", { name }),
  /** @param {string} t @param {string} name @returns {Promise<import("./api-types").AgentTeam>} */
  renameTeam: (t, name) => api("PATCH", `/api/teams/${id(t)}`, { name }),
  /** @param {string} t @returns {Promise<unknown>} */
  deleteTeam: (t) => api("DELETE", `/api/teams/${id(t)}`),
  /** @param {string} t @param {import("./api-types").TeamMembersChange} change @returns {Promise<import("./api-types").AgentTeam>} */
  teamMembers: (t, change) => api("PATCH", `/api/teams/${id(t)}/members`, change),
  /** @param {string} a @param {number | null} capacity @returns {Promise<unknown>} */
  setCapacity: (a, capacity) => api("PUT", `/api/agents/${id(a)}/capacity`, { capacity }),
  /** @param {string} site @returns {Promise<import("./api-types").AssignmentRules>} */
  assignmentRules: (site) => api("GET", `/api/sites/${id(site)}/assignment-rules`),
  /** @param {string} site @param {import("./api-types").NewAssignmentRule} rule @returns {Promise<import("./api-types").AssignmentRule>} */
  setAssignmentRule: (site, rule) => api("PUT", `/api/sites/${id(site)}/assignment-rules`, rule),
  /** @param {string} site @param {string} r @returns {Promise<unknown>} */
  deleteAssignmentRule: (site, r) => api("DELETE", `/api/sites/${id(site)}/assignment-rules/${id(r)}`),
  /** @param {string} c @param {string} into @returns {Promise<import("./api-types").ConversationAnswer>} */
  mergeConversation: (c, into) => api("POST", `/api/conversations/${id(c)}/merge`, /** @type {import("./api-types").MergeInput} */ ({ into })),
  /** @param {string} contact @param {string} into @returns {Promise<import("./api-types").ContactProfile>} */
  mergeContact: (contact, into) => api("POST", `/api/contacts/${id(contact)}/merge`, /** @type {import("./api-types").MergeInput} */ ({ into })),
  /** @param {string} contact @returns {Promise<import("./api-types").Duplicates>} */
  duplicates: (contact) => api("GET", `/api/contacts/${id(contact)}/duplicates`),
  /** @returns {Promise<import("./api-types").Attributes>} */
  attributes: () => api("GET", "/api/attributes"),
  /** @param {{key: string, name: string, kind: import("./api-types").AttributeKind, options?: string[]}} a @returns {Promise<import("./api-types").Attribute>} */
  createAttribute: (a) => api("POST", "/api/attributes", a),
  /** @param {string} a @param {{name?: string, options?: string[]}} changes @returns {Promise<import("./api-types").Attribute>} */
  updateAttribute: (a, changes) => api("PATCH", `/api/attributes/${id(a)}`, changes),
  /** @param {string} a @returns {Promise<unknown>} */
  deleteAttribute: (a) => api("DELETE", `/api/attributes/${id(a)}`),
  /** @param {string} contact @param {Record<string, unknown>} values @returns {Promise<import("./api-types").ContactAttributes>} */
  setContactAttributes: (contact, values) => api("PATCH", `/api/contacts/${id(contact)}/attributes`, values),
  /** @returns {Promise<import("./api-types").Session>} */
  session: () => api("GET", "/api/session"),
  /** @param {string} email @param {string} password @returns {Promise<import("./api-types").Session>} */
  signIn: (email, password) => api("POST", "/api/session", { email, password }),
  /** @returns {Promise<unknown>} */
  signOut: () => api("DELETE", "/api/session"),
  /** @param {string} token @param {string} password @returns {Promise<import("./api-types").Session>} */
  acceptInvitation: (token, password) => api("POST", "/api/invitations/accept", { token, password }),
  /** @param {boolean} away @returns {Promise<import("./api-types").PresenceChange>} */
  presence: (away) => api("PUT", "/api/presence", { away }),
  /** @returns {Promise<import("./api-types").Team>} */
  agents: () => api("GET", "/api/agents"),
  /** @param {string} email @param {string} full_name @returns {Promise<import("./api-types").Invitation>} */
  invite: (email, full_name) => api("POST", "/api/agents", { email, full_name }),
  /** @param {string} agent @returns {Promise<unknown>} */
  removeAgent: (agent) => api("DELETE", `/api/agents/${id(agent)}`),
  /** @param {URLSearchParams} params @returns {Promise<import("./api-types").Report>} */
  report: (params) => api("GET", `/api/reports?${params}`),
  /** @param {URLSearchParams} params @returns {Promise<import("./api-types").SatisfactionReport>} */
  satisfaction: (params) => api("GET", `/api/reports/satisfaction?${params}`),
  slaReport: (params) => api("GET", `/api/reports/sla?${params}`),
  /** @returns {Promise<import("./api-types").Sites>} */
  sites: () => api("GET", "/api/sites"),
  /** @param {string} name @returns {Promise<import("./api-types").Site>} */
  createSite: (name) => api("POST", "/api/sites", { name }),
  /** @param {string} site @param {{name?: string, enabled?: boolean}} changes @returns {Promise<import("./api-types").Site>} */
  updateSite: (site, changes) => api("PATCH", `/api/sites/${id(site)}`, changes),
  /** @param {string} site @returns {Promise<import("./api-types").WidgetSettings>} */
  widget: (site) => api("GET", `/api/sites/${id(site)}/widget`),
  /** @param {string} site @param {{name?: string, color?: string, position?: import("./api-types").WidgetPosition, language?: import("./api-types").Language, files?: boolean, csat?: boolean}} changes @returns {Promise<import("./api-types").WidgetSettings>} */
  updateWidget: (site, changes) => api("PATCH", `/api/sites/${id(site)}/widget`, changes),
  /** @param {string} site @returns {Promise<import("./api-types").ChatbotSettings>} */
  chatbot: (site) => api("GET", `/api/sites/${id(site)}/chatbot`),
  /** @param {string} site @param {import("./api-types").Chatbot} chatbot @returns {Promise<import("./api-types").ChatbotSettings>} */
  updateChatbot: (site, chatbot) => api("PUT", `/api/sites/${id(site)}/chatbot`, chatbot),
  /** @param {string} site @returns {Promise<import("./api-types").ChannelSettings>} */
  channel: (site) => api("GET", `/api/sites/${id(site)}/email-channel`),
  /** @param {string} site @param {{enabled?: boolean, default_subject?: string, from_name?: string, username?: string, subdomain?: string, signature?: string}} changes @returns {Promise<import("./api-types").ChannelSettings>} */
  updateChannel: (site, changes) => api("PATCH", `/api/sites/${id(site)}/email-channel`, changes),
  /** @param {string} site @param {{default_subject?: string, from_name?: string}} templates @returns {Promise<import("./api-types").EmailPreview>} */
  preview: (site, templates) => api("POST", `/api/sites/${id(site)}/email-channel/preview`, templates),
  /** @param {string} site @returns {Promise<import("./api-types").Automations>} */
  automations: (site) => api("GET", `/api/sites/${id(site)}/automations`),
  /** @param {string} site @param {{name: string, url: string}} automation @returns {Promise<import("./api-types").NewAutomation>} */
  createAutomation: (site, automation) => api("POST", `/api/sites/${id(site)}/automations`, automation),
  /** @param {string} site @param {string} a @param {{name?: string, url?: string, enabled?: boolean}} changes @returns {Promise<import("./api-types").Automation>} */
  updateAutomation: (site, a, changes) => api("PATCH", `/api/sites/${id(site)}/automations/${id(a)}`, changes),
  /** @param {string} site @param {string} a @returns {Promise<unknown>} */
  deleteAutomation: (site, a) => api("DELETE", `/api/sites/${id(site)}/automations/${id(a)}`),
  /** @param {string} site @param {string} a @returns {Promise<import("./api-types").Deliveries>} */
  deliveries: (site, a) => api("GET", `/api/sites/${id(site)}/automations/${id(a)}/deliveries`),
  /** @param {string} site @param {string} a @returns {Promise<{event_id: string, queued: number}>} */
  testAutomation: (site, a) => api("POST", `/api/sites/${id(site)}/automations/${id(a)}/test`),
  /** @param {string} site @returns {Promise<import("./api-types").ProactiveMessages>} */
  proactive: (site) => api("GET", `/api/sites/${id(site)}/proactive`),
  /** @param {string} site @param {import("./api-types").ProactiveInput} message @returns {Promise<import("./api-types").ProactiveMessage>} */
  createProactive: (site, message) => api("POST", `/api/sites/${id(site)}/proactive`, message),
  /** @param {string} site @param {string} m @param {import("./api-types").ProactiveInput} message @returns {Promise<import("./api-types").ProactiveMessage>} */
  updateProactive: (site, m, message) => api("PUT", `/api/sites/${id(site)}/proactive/${id(m)}`, message),
  /** @param {string} site @param {string} m */
  deleteProactive: (site, m) => api("DELETE", `/api/sites/${id(site)}/proactive/${id(m)}`),
  /** @param {string} site @returns {Promise<import("./api-types").MessengerSettings>} */
  messenger: (site) => api("GET", `/api/sites/${id(site)}/messenger`),
  /** @param {string} site @param {{page_id: string, page_access_token?: string, app_secret?: string}} changes @returns {Promise<import("./api-types").MessengerSettings>} */
  updateMessenger: (site, changes) => api("PUT", `/api/sites/${id(site)}/messenger`, changes),
  /** @param {string} site @returns {Promise<import("./api-types").Snippet>} */
  snippet: (site) => api("GET", `/api/sites/${id(site)}/snippet`),
  /** @param {string} site @returns {Promise<import("./api-types").IdentitySettings>} */
  identity: (site) => api("GET", `/api/sites/${id(site)}/identity`),
  /** @param {string} site @param {import("./api-types").IdentityMode} mode @returns {Promise<import("./api-types").IdentitySettings>} */
  setIdentityMode: (site, mode) => api("PATCH", `/api/sites/${id(site)}/identity`, { mode }),
  /** @param {string} site @returns {Promise<import("./api-types").IdentitySecret>} */
  rotateIdentitySecret: (site) => api("POST", `/api/sites/${id(site)}/identity/secret`),
  /** @returns {Promise<import("./api-types").ApiKeys>} */
  apiKeys: () => api("GET", "/api/api-keys"),
  /** @param {string} label @param {import("./api-types").KeyRole} role @returns {Promise<import("./api-types").NewApiKey>} */
  createApiKey: (label, role) => api("POST", "/api/api-keys", { label, role }),
  /** @param {string} key @returns {Promise<unknown>} */
  revokeApiKey: (key) => api("DELETE", `/api/api-keys/${id(key)}`),
  /** @param {string} site @returns {Promise<import("./api-types").FlowSettings>} */
  flow: (site) => api("GET", `/api/sites/${id(site)}/flow`),
  /** @param {string} site @param {import("./api-types").Flow} flow @returns {Promise<import("./api-types").FlowSettings>} */
  saveFlow: (site, flow) => api("PUT", `/api/sites/${id(site)}/flow`, flow),
  /** @returns {Promise<import("./api-types").CrmConnection>} */
  crmConnection: () => api("GET", "/api/integrations/activecampaign"),
  /** @param {import("./api-types").CrmConnect} connect @returns {Promise<import("./api-types").CrmConnection>} */
  connectCrm: (connect) => api("PUT", "/api/integrations/activecampaign", connect),
  /** @returns {Promise<unknown>} */
  disconnectCrm: () => api("DELETE", "/api/integrations/activecampaign"),
  /** @returns {Promise<import("./api-types").CrmAutomation[]>} */
  crmAutomations: () => api("GET", "/api/integrations/activecampaign/automations"),
  /** @returns {Promise<import("./api-types").CrmField[]>} */
  crmFields: () => api("GET", "/api/integrations/activecampaign/fields"),
  /** @returns {Promise<import("./api-types").CrmCall[]>} */
  crmCalls: () => api("GET", "/api/integrations/activecampaign/calls"),
  /** @param {string} site @returns {Promise<import("./api-types").CrmSiteSettings>} */
  crmSite: (site) => api("GET", `/api/sites/${id(site)}/activecampaign`),
  /** @param {string} site @param {import("./api-types").CrmSiteSettings} settings @returns {Promise<import("./api-types").CrmSiteSettings>} */
  setCrmSite: (site, settings) => api("PUT", `/api/sites/${id(site)}/activecampaign`, settings),
  /** @param {string} contact @returns {Promise<import("./api-types").CrmContactCard>} */
  crmCard: (contact) => api("GET", `/api/contacts/${id(contact)}/activecampaign`),
  /** @param {string} site @returns {Promise<import("./api-types").SlaSettings>} */
  sla: (site) => api("GET", `/api/sites/${id(site)}/sla`),
  /** @param {string} site @param {import("./api-types").SlaInput} input @returns {Promise<import("./api-types").SlaSettings>} */
  setSla: (site, input) => api("PUT", `/api/sites/${id(site)}/sla`, input),
};

/**
 * A request-order guard for one pane. Call it when a request starts; it returns
 * a check that stays true only while no newer request of the same pane began,
 * so an answer that arrives late (after a newer click) is dropped, not shown.
 */
export function latestOnly() {
  let seq = 0;
  return () => {
    const mine = ++seq;
    return () => mine === seq;
  };
}

/**
 * Wraps a reload so that bursts of calls coalesce: at most one run in flight and one queued (which then sees everything asked before it).
 * Failures are the run's own to show; the returned promise never rejects.
 * @param {() => Promise<unknown>} run
 * @returns {() => Promise<void>}
 */
export function coalesced(run) {
  let running = null;
  let queued = null;
  const go = () => {
    if (queued) return queued;
    if (running) {
      queued = running.then(() => {
        queued = null;
        return go();
      });
      return queued;
    }
    running = run().catch(() => {}).then(() => { running = null; });
    return running;
  };
  return go;
}
