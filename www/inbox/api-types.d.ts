// Generated from shared/src/api by `UPDATE_API_TYPES=1 cargo test -p shared --features serde`.
// Do not edit: change the Rust types, regenerate, and let the type check find what to update.

/**
 * An agent's place in the team.
 */
export type Role = "primary_admin" | "agent";

/**
 * What an API key may do, chosen when it is made.
 */
export type KeyRole = "agent" | "admin";

/**
 * Where a conversation takes place.
 */
export type Channel = "chat" | "email" | "messenger";

/**
 * Whether a conversation still needs attention.
 */
export type Status = "open" | "closed";

/**
 * Who wrote a message.
 */
export type Author = "visitor" | "contact" | "agent" | "bot";

/**
 * Which way a message travelled, seen from the team.
 */
export type Direction = "inbound" | "outbound";

/**
 * Whether an email sent from the inbox left.
 */
export type DeliveryStatus = "sent" | "failed";

/**
 * How a contact first reached the team.
 */
export type ContactSource = "chat" | "email" | "form" | "agent";

/**
 * How the Form step treats one configurable field.
 */
export type FieldMode = "hidden" | "optional" | "required";

/**
 * A contact detail the Form step can ask for.
 */
export type FormField = "email" | "phone" | "company" | "full_name";

/**
 * The corner the launcher sits in.
 */
export type WidgetPosition = "left" | "right";

/**
 * The language the widget speaks to visitors.
 */
export type Language = "auto" | "en" | "fr";

/**
 * How a site treats `identify` calls.
 */
export type IdentityMode = "off" | "optional" | "required";

/**
 * Whether, and how, a Page may answer a person now.
 */
export type MessagingWindow = "standard" | "human_agent" | "closed";

/**
 * What Messenger reported about a message the team sent.
 */
export type Receipt = "delivered" | "read";

/**
 * An agent of the team.
 */
export type Agent = { 
/**
 * Agent id.
 */
id: string, 
/**
 * The agent's place in the team.
 */
role: Role, 
/**
 * Full name, shown to contacts.
 */
full_name: string, 
/**
 * Sign-in email.
 */
email: string, 
/**
 * Whether the agent has a password (accepted the invitation).
 */
active: boolean, 
/**
 * Set away by the online/away toggle.
 */
away: boolean, 
/**
 * The most open conversations a rule assigns them (`null`: no limit).
 */
capacity: number | null, };

/**
 * A site, as listed to its agents.
 */
export type Site = { 
/**
 * Site id (the snippet's `data-site`).
 */
id: string, 
/**
 * Display name.
 */
name: string, 
/**
 * Whether its widget runs.
 */
enabled: boolean, };

/**
 * The Form step's configurable fields, as the widget renders them.
 */
export type FormModes = { 
/**
 * How the phone field is treated.
 */
phone: FieldMode, 
/**
 * How the company field is treated.
 */
company: FieldMode, 
/**
 * How the full-name field is treated.
 */
full_name: FieldMode, };

/**
 * What the widget needs to render for a site.
 */
export type SiteConfig = { 
/**
 * Site id.
 */
site_id: string, 
/**
 * Display name (the widget's header).
 */
name: string, 
/**
 * First bot line of a new conversation.
 */
greeting: string, 
/**
 * Accent colour, `#rrggbb`.
 */
color: string, 
/**
 * The launcher's corner.
 */
position: WidgetPosition, 
/**
 * The Form step.
 */
form: FormModes, 
/**
 * The greeting in other languages, by tag (`fr`): the widget shows the
 * one of its language, else `greeting`.
 */
greetings: { [key in string]: string }, 
/**
 * The offline message while the site is outside its business hours
 * (decided by the worker in the site's time zone), else null.
 */
offline: string | null, 
/**
 * The offline message in other languages, by tag.
 */
offlines: { [key in string]: string }, 
/**
 * Whether the widget runs on this site (a disabled site shows nothing).
 */
enabled: boolean, 
/**
 * Whether visitors may send files (the paperclip, drag-and-drop and paste).
 */
files: boolean, 
/**
 * The language the widget speaks.
 */
language: Language, 
/**
 * The site's saved flow, when the widget needs its bot module's flow part
 * (`widget/flow.js`, served in `/widget/bot.js`: buttons, questions, or a flow the opening starts); else null.
 */
flow: FlowStart | null, 
/**
 * The site's enabled proactive messages, in the order the widget tries
 * them (`shared::proactive::pick`), after its flow's bubble when the
 * flow starts on a page ([`FlowStart::bubble`], the one without an id);
 * the facade loads the bot module only when there is one.
 */
proactive: Array<ProactiveTarget>, };

/**
 * A message as the visitor's widget sees it: never email headers,
 * addresses, quoted history, HTML or flags. Never a private note: a note is
 * a [`TrailEvent`](super::TrailEvent), not a message, and no builder makes
 * this shape from one.
 */
export type VisitorMessage = { 
/**
 * Message id.
 */
id: string, 
/**
 * The visitor's conversation.
 */
conversation_id: string, 
/**
 * The widget's id for the send, when this browser wrote it.
 */
client_message_id: string | null, 
/**
 * Who wrote it.
 */
author: Author, 
/**
 * The agent's full name, for agent messages.
 */
author_name: string | null, 
/**
 * Plain text, without quoted history; a message with files names them
 * on lines of their own (`text_with_files`).
 */
body: string, 
/**
 * Creation time, ms.
 */
created_at: number, 
/**
 * Sent, or failed for a reply that could not be delivered.
 */
state: DeliveryStatus, 
/**
 * Its number in the conversation (1, 2, …): a reconnecting widget asks for those after its last.
 */
seq: number, 
/**
 * Its files (the visitor downloads each from `/api/widget/attachments/{id}`).
 */
attachments: Array<VisitorFile>, };

/**
 * A file of a message, as the visitor's widget sees it.
 */
export type VisitorFile = { 
/**
 * Attachment id.
 */
id: string, 
/**
 * File name.
 */
filename: string, 
/**
 * The type it is served as (sniffed).
 */
content_type: string, 
/**
 * Size in bytes.
 */
size: number, };

/**
 * What the worker knows of a visitor, for the Form step.
 */
export type VisitorState = { 
/**
 * Form fields already known (never asked again).
 */
known: Array<string>, 
/**
 * Whether this browser answered the Form step.
 */
form_done: boolean, 
/**
 * Whether the site's signature vouched for the visitor's email.
 */
verified: boolean, };

/**
 * A conversation as the inbox lists it.
 */
export type Conversation = { 
/**
 * Conversation id.
 */
id: string, 
/**
 * Site it belongs to.
 */
site_id: string, 
/**
 * Where it takes place.
 */
channel: Channel, 
/**
 * Whether it still needs attention.
 */
status: Status, 
/**
 * Email subject, if any.
 */
subject: string | null, 
/**
 * The contact, once known.
 */
contact_id: string | null, 
/**
 * The contact's email, once known.
 */
contact_email: string | null, 
/**
 * The contact's best known name.
 */
contact_name: string | null, 
/**
 * The visitor, for chat.
 */
visitor_id: string | null, 
/**
 * Start time, ms.
 */
started_at: number, 
/**
 * Time of the newest message, ms.
 */
last_message_at: number, 
/**
 * Body of the newest message.
 */
preview: string | null, 
/**
 * The agent it is assigned to.
 */
assignee_id: string | null, 
/**
 * That agent's name.
 */
assignee_name: string | null, 
/**
 * Whether the newest message is from the contact and unopened since.
 */
unread: boolean, 
/**
 * The name to show: contact, address, claimed address, else the visitor.
 */
display_name: string, 
/**
 * Whether `contact_name` (and so `display_name`) is a name a visitor
 * stated without proof, shown as such until a verified source replaces it.
 */
name_stated: boolean, 
/**
 * The email a chat's visitor stated without proving it ("email not verified").
 */
unverified_email: string | null, 
/**
 * When an agent marked it as spam.
 */
spam_at: number | null, 
/**
 * In a search: the message whose words matched best, with its snippet.
 */
snippet: MatchSnippet | null, 
/**
 * Its labels' ids (`GET /api/labels` names them).
 */
label_ids: Array<string>, 
/**
 * Whether an agent snoozed it (it is out of the open list until it wakes).
 */
snoozed: boolean, 
/**
 * When it wakes by itself, if snoozed until a time (ms); `null` while
 * snoozed until the customer replies.
 */
snoozed_until: number | null, 
/**
 * When it last woke (its time came, or the customer wrote), until it is snoozed again or closed.
 */
woken_at: number | null, 
/**
 * Since when the customer has waited (ms): the first of their messages
 * after the team's latest reply; `null` when the team wrote last.
 */
waiting_since: number | null, 
/**
 * The team it is assigned to.
 */
team_id: string | null, 
/**
 * That team's name.
 */
team_name: string | null, 
/**
 * Its next response-target deadline and where it stands; `null` without one.
 */
sla: SlaMark | null, };

/**
 * A file of a message: with an email, uploaded by a visitor, or attached to an agent's reply.
 */
export type Attachment = { 
/**
 * Attachment id.
 */
id: string, 
/**
 * The message it came with.
 */
message_id: string, 
/**
 * File name, if given.
 */
filename: string | null, 
/**
 * The type it is served as: sniffed from its bytes (unknown: `application/octet-stream`);
 * for files listed before Parley kept them, as declared.
 */
content_type: string, 
/**
 * The type the sender declared (never trusted).
 */
declared_type: string, 
/**
 * Size in bytes.
 */
size: number, 
/**
 * Where agents download it (`/api/attachments/{id}`); null when only the original email has its bytes.
 */
url: string | null, 
/**
 * Whether the inbox shows it as a thumbnail (PNG, JPEG, GIF or WebP by its bytes).
 */
preview: boolean, };

/**
 * A message as agents read it, on any channel.
 */
export type Message = { 
/**
 * Message id.
 */
id: string, 
/**
 * Its conversation.
 */
conversation_id: string, 
/**
 * Which way it travelled.
 */
direction: Direction, 
/**
 * Who wrote it.
 */
author: Author, 
/**
 * The agent's full name, for agent messages.
 */
author_name: string | null, 
/**
 * Plain text (never HTML): the new part of an email.
 */
body: string, 
/**
 * The widget's id for the send, when it came from the widget.
 */
client_message_id: string | null, 
/**
 * The contact who wrote it, for email.
 */
contact_id: string | null, 
/**
 * Subject line, for email.
 */
email_subject: string | null, 
/**
 * `Name <address>` of the sender, for email.
 */
email_from: string | null, 
/**
 * The whole text with quoted history, when `body` left it out.
 */
body_full: string | null, 
/**
 * Sanitised HTML of an email.
 */
body_html: string | null, 
/**
 * To, Cc, Reply-To, In-Reply-To, References, Date and the sender check of an email.
 */
email_headers: Record<string, unknown> | null, 
/**
 * Why it must never be answered automatically, or why it is suspect.
 */
flags: Array<string>, 
/**
 * Whether the original is kept (email).
 */
has_original: boolean, 
/**
 * For email sent from the inbox: whether it left.
 */
delivery_status: DeliveryStatus | null, 
/**
 * Why sending failed.
 */
delivery_error: string | null, 
/**
 * For Messenger replies: delivered or read, as Messenger reported.
 */
receipt: Receipt | null, 
/**
 * Creation time, ms.
 */
created_at: number, 
/**
 * Its files (listed with a thread; empty elsewhere).
 */
attachments: Array<Attachment>, 
/**
 * Its number in the conversation (1, 2, …).
 */
seq: number, };

/**
 * What a chat's visitor said about themselves without proving it.
 */
export type Claim = { 
/**
 * The email stated.
 */
email: string | null, 
/**
 * The phone stated.
 */
phone: string | null, 
/**
 * The company stated.
 */
company: string | null, 
/**
 * The full name stated.
 */
full_name: string | null, };

/**
 * A contact's profile as agents see it.
 */
export type Contact = { 
/**
 * Contact id.
 */
id: string, 
/**
 * Normalized email.
 */
email: string | null, 
/**
 * Phone, `+digits`.
 */
phone: string | null, 
/**
 * Company (the Form's "account").
 */
company: string | null, 
/**
 * Full name as given.
 */
full_name: string | null, 
/**
 * Display name seen on their email.
 */
name_from_email: string | null, 
/**
 * Marketing consent: never set by chat or email.
 */
marketing_opt_in: boolean, 
/**
 * The name to show: full name, the name on their email, else the address.
 */
display_name: string, 
/**
 * How the contact first arrived.
 */
source: ContactSource, 
/**
 * First seen, ms.
 */
created_at: number, 
/**
 * The fields (phone, company, full name) a visitor stated without proof,
 * shown as such until a verified source replaces them.
 */
stated: Array<FormField>, 
/**
 * Its labels' ids (`GET /api/labels` names them).
 */
label_ids: Array<string>, 
/**
 * Its attribute values, by key (`GET /api/attributes` defines them).
 */
attributes: Record<string, string | number | boolean>, };

/**
 * One line of a contact's recent activity (never email).
 */
export type Activity = { 
/**
 * The conversation it happened in.
 */
conversation_id: string, 
/**
 * Its channel.
 */
channel: Channel, 
/**
 * Who wrote it.
 */
author: Author, 
/**
 * What was written.
 */
body: string, 
/**
 * When, ms.
 */
created_at: number, 
/**
 * Whether the chat rests on an unverified claim of the contact's email.
 */
unverified: boolean, };

/**
 * Mail refused with a reason.
 */
export type Rejection = { 
/**
 * Rejection id.
 */
id: string, 
/**
 * The site whose mailbox refused it.
 */
site_id: string, 
/**
 * SMTP envelope sender.
 */
envelope_from: string, 
/**
 * SMTP envelope recipient.
 */
envelope_to: string, 
/**
 * Size of the raw message, bytes.
 */
size: number, 
/**
 * The reason given to the sender.
 */
reason: string, 
/**
 * When, ms.
 */
created_at: number, };

/**
 * What erasing a contact removed.
 */
export type Erased = { 
/**
 * Conversations deleted.
 */
conversations: number, 
/**
 * Messages deleted.
 */
messages: number, 
/**
 * Browsers (visitors) deleted.
 */
visitors: number, 
/**
 * Originals deleted from R2.
 */
originals: number, 
/**
 * The contact's id in ActiveCampaign if it was synced there: erasing in
 * Parley does not delete it there.
 */
crm_contact_id: string | null, };

/**
 * A site's email channel settings.
 */
export type EmailChannel = { 
/**
 * The site.
 */
site_id: string, 
/**
 * Whether mail is accepted.
 */
enabled: boolean, 
/**
 * Forwarding username, once set.
 */
username: string | null, 
/**
 * Forwarding subdomain, once set.
 */
subdomain: string | null, 
/**
 * Largest raw message accepted, bytes.
 */
max_message_bytes: number, 
/**
 * Default subject template of emails from the inbox.
 */
default_subject: string, 
/**
 * From name template of emails from the inbox.
 */
from_name: string, 
/**
 * The site's default signature of outgoing mail (an agent's own wins).
 */
signature: string | null, };

/**
 * `GET /api/conversations`: a page of the inbox.
 */
export type ConversationPage = { 
/**
 * Newest activity first; with `q`, best match first.
 */
conversations: Array<Conversation>, 
/**
 * The opaque cursor of the next page (`before=`), or null on the last one.
 */
next: string | null, };

/**
 * `GET /api/conversations/{id}`: one thread.
 */
export type Thread = { 
/**
 * The conversation.
 */
conversation: Conversation, 
/**
 * Its messages, oldest first, with their attachments.
 */
messages: Array<Message>, 
/**
 * What its visitor stated without proving it.
 */
claim: Claim | null, 
/**
 * For Messenger conversations: the person, and whether a reply may go out now.
 */
messenger: MessengerThread | null, 
/**
 * For email: the people the conversation copies besides its contact (Cc).
 */
cc: Array<CcAddress>, 
/**
 * Its activity trail (events and private notes), oldest first.
 */
trail: Array<TrailEvent>, 
/**
 * Its satisfaction rating, once given.
 */
rating: Rating | null, };

/**
 * The conversation after a change (`PATCH`, click to add).
 */
export type ConversationAnswer = { 
/**
 * The conversation as it is now.
 */
conversation: Conversation, };

/**
 * A message just written (an agent's reply).
 */
export type MessageAnswer = { 
/**
 * The message as stored.
 */
message: Message, };

/**
 * `GET /api/conversations/{id}/email-draft`: what an email reply would look like.
 */
export type EmailDraft = { 
/**
 * The contact's address.
 */
to: string, 
/**
 * `Name <forwarding address>`.
 */
from: string, 
/**
 * The default subject.
 */
subject: string, 
/**
 * Whether the address is one the visitor typed and never proved.
 */
to_unverified: boolean, 
/**
 * The addresses copied by default: the conversation's Cc.
 */
cc: Array<string>, 
/**
 * The signature the email will carry (the agent's, else the site's), if any.
 */
signature: string | null, 
/**
 * Most addresses in all (To, Cc and Bcc).
 */
max_recipients: number, };

/**
 * `GET /api/contacts/{id}`: a contact's profile.
 */
export type ContactProfile = { 
/**
 * The contact.
 */
contact: Contact, 
/**
 * The channels of its conversations.
 */
channels: Array<Channel>, 
/**
 * All its conversations, newest first.
 */
conversations: Array<Conversation>, 
/**
 * Its recent activity (never email).
 */
activity: Array<Activity>, 
/**
 * Its id in ActiveCampaign, once synced there.
 */
crm_contact_id: string | null, };

/**
 * `POST /api/session`, `GET /api/session`: the signed-in agent.
 */
export type Session = { 
/**
 * Who is signed in.
 */
agent: Agent, 
/**
 * The token changes must carry in `X-CSRF-Token` (null with an API key).
 */
csrf_token: string | null, };

/**
 * `GET /api/agents`: the team.
 */
export type Team = { 
/**
 * Admins first, then by name.
 */
agents: Array<Agent>, };

/**
 * `POST /api/agents`: an invited agent and the one-time link for them.
 */
export type Invitation = { 
/**
 * The new agent.
 */
agent_id: string, 
/**
 * The one-time token.
 */
invitation_token: string, 
/**
 * The link that carries it.
 */
invitation_url: string, };

/**
 * `GET /api/sites`: the account's sites.
 */
export type Sites = { 
/**
 * By name.
 */
sites: Array<Site>, };

/**
 * `GET`/`PATCH /api/sites/{site}/email-channel`.
 */
export type ChannelSettings = { 
/**
 * The settings.
 */
channel: EmailChannel, 
/**
 * The forwarding address, once set.
 */
forwarding_address: string | null, 
/**
 * The tokens its templates understand.
 */
tokens: TemplateTokens, };

/**
 * `POST /api/sites/{site}/email-channel/preview`: the From line and subject a contact would see.
 */
export type EmailPreview = { 
/**
 * `Name <address>`.
 */
from: string, 
/**
 * The subject.
 */
subject: string, };

/**
 * `GET /api/email/rejections`: mail refused for the account's sites.
 */
export type Rejections = { 
/**
 * Newest first.
 */
rejections: Array<Rejection>, };

/**
 * The tokens the email templates understand.
 */
export type TemplateTokens = { 
/**
 * Replaced by the conversation's start date in the default subject.
 */
start_date: string, 
/**
 * Replaced by the sending agent's name in the From name.
 */
agent_name: string, };

/**
 * `GET`/`PATCH /api/sites/{site}/widget`: how the widget looks on a site.
 */
export type WidgetSettings = { 
/**
 * The site.
 */
site_id: string, 
/**
 * The widget's display name (the site's name).
 */
name: string, 
/**
 * Accent colour, `#rrggbb`, readable under white text (WCAG AA).
 */
color: string, 
/**
 * The launcher's corner.
 */
position: WidgetPosition, 
/**
 * The language the widget speaks.
 */
language: Language, 
/**
 * Whether visitors may send files from the widget.
 */
files: boolean, 
/**
 * Whether resolved conversations ask for a satisfaction rating (off by default).
 */
csat: boolean, };

/**
 * `GET`/`PUT /api/sites/{site}/chatbot`: the site's chatbot, block by block.
 */
export type ChatbotSettings = { 
/**
 * The site.
 */
site_id: string, 
/**
 * Its blocks, in order.
 */
chatbot: Chatbot, };

/**
 * A site's chatbot.
 */
export type Chatbot = { 
/**
 * The blocks, in order.
 */
blocks: Array<Block>, };

/**
 * One step of the chatbot.
 */
export type Block = { "type": "greeting", 
/**
 * The text.
 */
text: string, 
/**
 * The text in other languages, by tag (`fr`), when the site overrides it.
 */
translations?: { [key in string]: string }, } | { "type": "form", 
/**
 * How the phone field is treated.
 */
phone: FieldMode, 
/**
 * How the company ("account") field is treated.
 */
company: FieldMode, 
/**
 * How the full-name field is treated.
 */
full_name: FieldMode, } | { "type": "enter_automation", 
/**
 * The automation's id: a Parley automation's, or ActiveCampaign's (see `target`).
 */
automation_id: string, 
/**
 * What it enters (a webhook when stored before the connector).
 */
target: Target, } | { "type": "offline", 
/**
 * The text.
 */
text: string, 
/**
 * Monday to Sunday; `None` is closed all day.
 */
hours: [Span | null, Span | null, Span | null, Span | null, Span | null, Span | null, Span | null], 
/**
 * IANA time zone of the hours, e.g. `Europe/Paris`.
 */
time_zone: string, 
/**
 * The text in other languages, by tag (`fr`), when the site overrides it.
 */
translations?: { [key in string]: string }, };

/**
 * Opening hours of one weekday, minutes after midnight in the site's time zone.
 */
export type Span = { 
/**
 * Opening, 0 to 1440.
 */
open: number, 
/**
 * Closing, after opening, at most 1440.
 */
close: number, };

/**
 * `POST /api/widget/sites/{site}/visitors`: a new visitor.
 */
export type NewVisitor = { 
/**
 * Visitor id.
 */
visitor_id: string, 
/**
 * The bearer token (`{visitor_id}.{secret}`), kept in a first-party cookie.
 */
token: string, 
/**
 * How long the cookie should live.
 */
max_age_seconds: number, };

/**
 * `GET /api/widget/conversation`: the visitor's own thread.
 */
export type VisitorThread = { 
/**
 * Its conversation, once there is one.
 */
conversation_id: string | null, 
/**
 * What the visitor may see of it, oldest first.
 */
messages: Array<VisitorMessage>, 
/**
 * What the Form step still needs.
 */
visitor: VisitorState, 
/**
 * When an agent last read the conversation (ms), if ever: the visitor's lines before it are seen.
 */
seen_at: number | null, 
/**
 * What the conversation's flow waits for, while one runs; else null.
 */
flow: FlowPrompt | null, 
/**
 * The rating the resolved conversation asks for, while it can be given or changed; else null.
 */
rating: VisitorRating | null, };

/**
 * `POST /api/widget/messages`: the message as stored.
 */
export type VisitorMessageAnswer = { 
/**
 * The message.
 */
message: VisitorMessage, };

/**
 * `POST /api/widget/contact`, `POST /api/widget/identify`: the visitor afterwards.
 */
export type VisitorAnswer = { 
/**
 * What the Form step still needs.
 */
visitor: VisitorState, };

/**
 * What happened, as the receiver reads it in `event`.
 */
export type Event = "contact.created" | "contact.entered_automation" | "conversation.created" | "message.created" | "conversation.rated" | "test";

/**
 * Where one event's delivery to one automation stands.
 */
export type DeliveryState = "pending" | "delivered" | "failed";

/**
 * An automation (signed outbound webhook) of a site, without its secret.
 */
export type Automation = { 
/**
 * Automation id (what a chatbot's "enter automation" block names).
 */
id: string, 
/**
 * The site whose events it receives.
 */
site_id: string, 
/**
 * The admin's name for it.
 */
name: string, 
/**
 * Where events are POSTed.
 */
url: string, 
/**
 * Whether events are sent.
 */
enabled: boolean, 
/**
 * Creation time, ms.
 */
created_at: number, };

/**
 * `GET /api/sites/{site}/automations`.
 */
export type Automations = { 
/**
 * Oldest first.
 */
automations: Array<Automation>, };

/**
 * `POST /api/sites/{site}/automations`: the new automation and its signing
 * secret, shown this once and never again.
 */
export type NewAutomation = { 
/**
 * The automation.
 */
automation: Automation, 
/**
 * Signs every delivery: `Parley-Signature: t=…,v1=hex(HMAC-SHA256(secret, "t.body"))`.
 */
secret: string, };

/**
 * One event's delivery to one automation.
 */
export type Delivery = { 
/**
 * Delivery id.
 */
id: string, 
/**
 * The event's id (the `Parley-Idempotency-Key`).
 */
event_id: string, 
/**
 * What happened.
 */
event: Event, 
/**
 * Pending, delivered or failed.
 */
status: DeliveryState, 
/**
 * Attempts so far.
 */
attempts: number, 
/**
 * The receiver's HTTP status at the last attempt, if it answered.
 */
last_status: number | null, 
/**
 * Why the last attempt failed, when the receiver did not answer.
 */
last_error: string | null, 
/**
 * Last attempt, ms.
 */
last_attempt_at: number | null, 
/**
 * When the event happened, ms.
 */
created_at: number, };

/**
 * `GET /api/sites/{site}/automations/{id}/deliveries`: the last 50, newest first.
 */
export type Deliveries = { 
/**
 * Newest first.
 */
deliveries: Array<Delivery>, };

/**
 * `GET /api/sites/{site}/snippet`: what the site owner pastes before `</body>`.
 */
export type Snippet = { 
/**
 * The site it loads the widget for.
 */
site_id: string, 
/**
 * The HTML to paste, naming this deployment's origin and the site.
 */
snippet: string, 
/**
 * What a page with a Content-Security-Policy must allow for it (`shared::site::csp`).
 */
csp: Array<CspDirective>, };

/**
 * One directive of a host page's Content-Security-Policy and the sources
 * the widget needs in it.
 */
export type CspDirective = { 
/**
 * The directive (`script-src`).
 */
directive: string, 
/**
 * The sources to add to it.
 */
sources: Array<string>, 
/**
 * What they let the widget do.
 */
why: string, };

/**
 * Where a search found its words in a conversation.
 */
export type MatchSnippet = { 
/**
 * The message.
 */
message_id: string, 
/**
 * A few words around the match, the matched words marked.
 */
parts: Array<SnippetPart>, };

/**
 * One run of a snippet: text, highlighted where it matched.
 */
export type SnippetPart = { 
/**
 * The text, shown as text.
 */
text: string, 
/**
 * Whether it is a word the search matched.
 */
mark: boolean, };

/**
 * `GET`/`PATCH /api/sites/{site}/identity`: a site's identity verification.
 * The secret itself is never here; it is shown once, when generated.
 */
export type IdentitySettings = { 
/**
 * The site.
 */
site_id: string, 
/**
 * How the site treats identify calls.
 */
mode: IdentityMode, 
/**
 * Whether the site has a secret to verify signatures with.
 */
has_secret: boolean, };

/**
 * `POST /api/sites/{site}/identity/secret`: a new secret, shown this once;
 * signatures made with the previous one no longer verify.
 */
export type IdentitySecret = { 
/**
 * The site.
 */
site_id: string, 
/**
 * The secret the site's server signs emails with: `hex(HMAC-SHA256(secret, email))`.
 */
secret: string, };

/**
 * The Messenger side of a thread: the person's profile and the messaging window.
 */
export type MessengerThread = { 
/**
 * The person's name on Facebook, if the Graph API gave it.
 */
name: string | null, 
/**
 * Their profile picture's URL, if given.
 */
picture_url: string | null, 
/**
 * Whether a reply may go out now, and how.
 */
window: MessagingWindow, 
/**
 * Why Messenger replies are disabled, when the window is closed.
 */
closed_reason: string | null, };

/**
 * `GET /api/sites/{site}/messenger`: the site's Facebook Page connection.
 * The Page access token and the App secret are never returned, only whether they are set.
 */
export type MessengerSettings = { 
/**
 * The site.
 */
site_id: string, 
/**
 * The connected Page's id, if any.
 */
page_id: string | null, 
/**
 * Whether a Page access token is stored (sealed).
 */
page_access_token_set: boolean, 
/**
 * Whether an App secret is stored (sealed).
 */
app_secret_set: boolean, 
/**
 * The token to paste as the webhook's Verify Token, once a Page is connected.
 */
verify_token: string | null, 
/**
 * The Callback URL to paste into the Meta app.
 */
webhook_url: string, 
/**
 * When Meta last verified the webhook with this token, ms.
 */
verified_at: number | null, };

/**
 * An API key as listed: never the key itself.
 */
export type ApiKey = { 
/**
 * Key id (to revoke it by).
 */
id: string, 
/**
 * The key's first characters (`pk_1a2b3c4d`); unknown for keys made before they were kept.
 */
prefix: string | null, 
/**
 * What the key is for.
 */
label: string, 
/**
 * The agent the key acts as.
 */
agent_id: string, 
/**
 * That agent's full name.
 */
agent_name: string, 
/**
 * What the key may do (keys made before roles existed are `admin`).
 */
role: KeyRole, 
/**
 * Creation time, ms.
 */
created_at: number, 
/**
 * When the key was last used, ms, to within an hour; `None` if never.
 */
last_used_at: number | null, };

/**
 * `GET /api/api-keys`: the account's keys in use, newest first.
 */
export type ApiKeys = { 
/**
 * Keys not revoked.
 */
keys: Array<ApiKey>, };

/**
 * `POST /api/api-keys`: the new key, shown this once (only its hash is stored).
 */
export type NewApiKey = { 
/**
 * Send it as `Authorization: Bearer <key>`.
 */
key: string, 
/**
 * The key as it will be listed.
 */
api_key: ApiKey, };

/**
 * What the worker pushes to a visitor's widget.
 */
export type WidgetPush = { "type": "message", 
/**
 * The message, in the visitor's shape.
 */
message: VisitorMessage, } | { "type": "typing", 
/**
 * The agent's name while typing.
 */
name: string | null, } | { "type": "presence", 
/**
 * At least one agent has the inbox open and is not away.
 */
online: boolean, } | { "type": "seen", 
/**
 * When.
 */
at: number, } | { "type": "rate", 
/**
 * What to rate.
 */
rating: VisitorRating, };

/**
 * What a widget sends on its socket (besides the `ping` keep-alive).
 */
export type WidgetSays = { "type": "typing", 
/**
 * The composer's text.
 */
text: string, };

/**
 * An agent looking at a conversation, as the others see it.
 */
export type Viewer = { 
/**
 * Agent id.
 */
agent_id: string, 
/**
 * Full name.
 */
name: string, 
/**
 * Whether they are typing a reply.
 */
replying: boolean, };

/**
 * An agent with the inbox open.
 */
export type TeamMember = { 
/**
 * Agent id.
 */
agent_id: string, 
/**
 * Full name.
 */
name: string, 
/**
 * Set away (an away agent does not make the widget say "online").
 */
away: boolean, };

/**
 * What the worker pushes to every inbox tab of the account.
 */
export type InboxPush = { "type": "message", 
/**
 * Its conversation.
 */
conversation_id: string, 
/**
 * Message id.
 */
message_id: string, 
/**
 * Who wrote it.
 */
author: Author, 
/**
 * The start of its text, for a notification.
 */
preview: string, } | { "type": "conversation", 
/**
 * Which.
 */
conversation_id: string, } | { "type": "visitor_typing", 
/**
 * The visitor (a conversation's `visitor_id`).
 */
visitor_id: string, 
/**
 * The text so far, at most `live::TYPING_PREVIEW_CHARS` characters.
 */
text: string, } | { "type": "viewers", 
/**
 * Which.
 */
conversation_id: string, 
/**
 * The agents viewing it.
 */
agents: Array<Viewer>, } | { "type": "team", 
/**
 * Who.
 */
agents: Array<TeamMember>, } | { "type": "note", 
/**
 * Its conversation.
 */
conversation_id: string, 
/**
 * Note id.
 */
note_id: string, 
/**
 * Who wrote it (full name).
 */
author_name: string, 
/**
 * The agents it mentions (ids).
 */
mentions: Array<string>, 
/**
 * The start of its text, for a notification.
 */
preview: string, } | { "type": "merged", 
/**
 * The merged-away conversation.
 */
conversation_id: string, 
/**
 * The survivor.
 */
into: string, };

/**
 * What an inbox tab sends on its socket (besides the `ping` keep-alive).
 */
export type InboxSays = { "type": "view", 
/**
 * Which.
 */
conversation_id: string | null, } | { "type": "typing", 
/**
 * Typing or stopped.
 */
typing: boolean, };

/**
 * `PUT /api/presence`: the agent's online/away toggle.
 */
export type PresenceChange = { 
/**
 * Away (true) or online (false).
 */
away: boolean, };

/**
 * A saved reply as the team manages it.
 */
export type SavedReply = { 
/**
 * Saved reply id.
 */
id: string, 
/**
 * What the agent types after `/`.
 */
shortcut: string, 
/**
 * One-line title.
 */
title: string, 
/**
 * The text with its placeholders, as written.
 */
body: string, 
/**
 * Creation time, ms.
 */
created_at: number, 
/**
 * Last change, ms.
 */
updated_at: number, 
/**
 * Who changed it last (an agent's full name).
 */
updated_by_name: string | null, };

/**
 * `GET /api/saved-replies`: the team's saved replies, by shortcut.
 */
export type SavedReplies = { 
/**
 * The replies.
 */
saved_replies: Array<SavedReply>, };

/**
 * A saved reply filled in for one conversation.
 */
export type RenderedReply = { 
/**
 * Saved reply id.
 */
id: string, 
/**
 * What the agent types after `/`.
 */
shortcut: string, 
/**
 * One-line title.
 */
title: string, 
/**
 * The text to insert: placeholders filled in for this conversation's contact.
 */
text: string, };

/**
 * `GET /api/conversations/{id}/saved-replies`: every saved reply, filled in for this conversation.
 */
export type RenderedReplies = { 
/**
 * The conversation they were filled in for.
 */
conversation_id: string, 
/**
 * The replies, by shortcut.
 */
saved_replies: Array<RenderedReply>, };

/**
 * Where a transcript request stands.
 */
export type TranscriptStatus = "sending" | "sent" | "failed";

/**
 * `POST /api/conversations/{id}/transcript`: the transcript request and where it stands.
 */
export type Transcript = { 
/**
 * Transcript id.
 */
id: string, 
/**
 * The chat it is the transcript of.
 */
conversation_id: string, 
/**
 * The contact's address it went (or goes) to.
 */
to: string | null, 
/**
 * Sending, sent or failed.
 */
status: TranscriptStatus, 
/**
 * When the platform accepted it, ms.
 */
sent_at: number | null, 
/**
 * Why the last attempt failed.
 */
error: string | null, 
/**
 * Whether this answer replays an earlier request with the same key (nothing new was sent).
 */
replayed: boolean, };

/**
 * What was folded away from a message's visible text.
 */
export type Fold = "quote" | "signature" | "quote_and_signature";

/**
 * A person an email conversation copies.
 */
export type CcAddress = { 
/**
 * Their address.
 */
address: string, 
/**
 * Their name, as their mail gave it.
 */
name: string | null, };

/**
 * `GET`/`PUT /api/signature`: the signed-in agent's own signature of outgoing mail.
 */
export type AgentSignature = { 
/**
 * The signature; null: the site's default is used.
 */
signature: string | null, };

/**
 * `POST /api/signature/preview`: an email reply signed with a signature, as sent.
 */
export type SignaturePreview = { 
/**
 * The text part.
 */
text: string, 
/**
 * The HTML part (everything typed escaped): shown only in a sandboxed frame.
 */
html: string, };

/**
 * `GET`/`PUT /api/account/time-zone`: the account's time zone, which report days and hours are local to.
 */
export type AccountTimeZone = { 
/**
 * An IANA name such as `Europe/Paris`; `UTC` until set.
 */
time_zone: string, };

/**
 * `PATCH /api/conversations/{id}`: close, reopen, assign, mark as spam. A
 * field left out stays as it is; only `assignee_id` takes `null` (unassign).
 */
export type ConversationChanges = { 
/**
 * Open or closed.
 */
status?: Status, 
/**
 * An agent of the team, or `null` to unassign.
 */
assignee_id?: string | null, 
/**
 * Spam hides the conversation and blocks its visitor; `false` undoes it.
 */
spam?: boolean, 
/**
 * A team of the account, or `null` to take it from its team.
 */
team_id?: string | null, };

/**
 * What happened in a conversation, as its trail shows it. A feature
 * that adds an event kind adds one variant here (its stored name).
 */
export type TrailKind = "note" | "closed" | "reopened" | "assigned" | "unassigned" | "marked_spam" | "unmarked_spam" | "label_added" | "label_removed" | "snoozed" | "unsnoozed" | "woke" | "woke_by_reply" | "reopened_by_reply" | "assigned_team" | "unassigned_team" | "merged" | "rated";

/**
 * An event of a conversation's trail: who did what, when; for a note, its
 * text and whom it mentions.
 */
export type TrailEvent = { 
/**
 * Event id (a note's id).
 */
id: string, 
/**
 * Its conversation.
 */
conversation_id: string, 
/**
 * What happened.
 */
kind: TrailKind, 
/**
 * Who did it (null: the system).
 */
agent_id: string | null, 
/**
 * Their full name.
 */
agent_name: string | null, 
/**
 * The kind's value, as stored (an assignee's id; null for a note).
 */
detail: string | null, 
/**
 * For an assignment: the assignee's full name.
 */
assignee_name: string | null, 
/**
 * For a label put on or taken off: the label's name (null once deleted).
 */
label_name: string | null, 
/**
 * For an assignment to a team: the team's name.
 */
team_name: string | null, 
/**
 * For a note: its text.
 */
body: string | null, 
/**
 * For a note: the agents it mentions (ids).
 */
mentions: Array<string>, 
/**
 * When, ms.
 */
created_at: number, };

/**
 * `POST /api/conversations/{id}/notes`: the note as stored.
 */
export type NoteAnswer = { 
/**
 * The note.
 */
note: TrailEvent, };

/**
 * `GET /api/mentions?before=`: a page of the conversations a note mentioned me in.
 */
export type Mentions = { 
/**
 * Most recently mentioned first (at most [`MENTIONS_LISTED`]).
 */
conversations: Array<MentionedIn>, 
/**
 * The opaque cursor of the next page (`before=`), or null on the last one.
 */
next: string | null, };

/**
 * A conversation I was mentioned in.
 */
export type MentionedIn = { 
/**
 * The conversation, as the list shows it.
 */
conversation: Conversation, 
/**
 * The latest note that mentioned me.
 */
note_id: string, 
/**
 * When, ms.
 */
mentioned_at: number, };

/**
 * `POST /api/conversations/{id}/notes`: a private note (never sent); an
 * `@Full Name` in it mentions that agent.
 */
export type NewNote = { 
/**
 * Its text.
 */
body: string, 
/**
 * The client's id for it (8 to 64 letters, digits, `-` or `_`): a retry
 * with the same one stores nothing more.
 */
client_note_id?: string, };

/**
 * A label of the account.
 */
export type Label = { 
/**
 * Label id.
 */
id: string, 
/**
 * Its name.
 */
name: string, 
/**
 * Its chip's background, `#rrggbb`.
 */
colour: string, 
/**
 * Its chip's text, black or white (`shared::label::text_colour`), `#rrggbb`.
 */
text_colour: string, 
/**
 * Creation time, ms.
 */
created_at: number, };

/**
 * `GET /api/labels`: the account's labels, by name.
 */
export type Labels = { 
/**
 * The labels.
 */
labels: Array<Label>, };

/**
 * `PATCH /api/conversations/{id}/labels` and `PATCH /api/contacts/{id}/labels`:
 * the labels it carries now.
 */
export type AppliedLabels = { 
/**
 * The conversation or contact.
 */
id: string, 
/**
 * Its labels' ids, by name.
 */
label_ids: Array<string>, };

/**
 * The inbox's snooze presets.
 */
export type Preset = "later_today" | "tomorrow" | "next_week";

/**
 * `PUT /api/conversations/{id}/snooze`: until when. Exactly one of `until`
 * (an absolute time, ms), `preset` (with the agent's `utc_offset_minutes`)
 * or `until_reply: true` (no time: the customer's next message wakes it).
 */
export type SnoozeInput = { 
/**
 * Wake at this time (ms since the epoch).
 */
until?: number, 
/**
 * Wake at a preset's time for the agent.
 */
preset?: Preset, 
/**
 * The agent's offset from UTC, minutes (`-new Date().getTimezoneOffset()`), for `preset`.
 */
utc_offset_minutes?: number, 
/**
 * Only the customer's next message wakes it.
 */
until_reply?: boolean, };

/**
 * A team of the account: a group of agents conversations are assigned to.
 */
export type AgentTeam = { 
/**
 * Team id.
 */
id: string, 
/**
 * Its name.
 */
name: string, 
/**
 * Its agents' ids, by name.
 */
agent_ids: Array<string>, 
/**
 * Creation time, ms.
 */
created_at: number, };

/**
 * `GET /api/teams`: the account's teams, by name.
 */
export type AgentTeams = { 
/**
 * The teams.
 */
teams: Array<AgentTeam>, };

/**
 * A site's rule: its new conversations of `channel` go to `team_id`.
 */
export type AssignmentRule = { 
/**
 * Rule id.
 */
id: string, 
/**
 * The site.
 */
site_id: string, 
/**
 * The channel its new conversations come by.
 */
channel: Channel, 
/**
 * The team they go to.
 */
team_id: string, 
/**
 * Creation time, ms.
 */
created_at: number, };

/**
 * `GET /api/sites/{site}/assignment-rules`: the site's rules, by channel.
 */
export type AssignmentRules = { 
/**
 * The rules.
 */
rules: Array<AssignmentRule>, };

/**
 * `PATCH /api/teams/{id}/members`: agents to add and remove; either may be
 * left out, and an agent already in (or out) is left as it is.
 */
export type TeamMembersChange = { 
/**
 * Agent ids to add.
 */
add?: Array<string>, 
/**
 * Agent ids to remove.
 */
remove?: Array<string>, };

/**
 * `PUT /api/agents/{id}/capacity`: the most open conversations a rule gives the agent.
 */
export type AgentCapacity = { 
/**
 * 0 to 1000, or `null` for no limit.
 */
capacity: number | null, };

/**
 * `PUT /api/sites/{site}/assignment-rules`: the site's new conversations
 * of `channel` go to `team_id` (a rule for that channel is replaced).
 */
export type NewAssignmentRule = { 
/**
 * The channel.
 */
channel: Channel, 
/**
 * A team of the account.
 */
team_id: string, };

/**
 * `POST /api/conversations/{id}/merge` and `POST /api/contacts/{id}/merge`:
 * the survivor the one named in the path is merged into.
 */
export type MergeInput = { 
/**
 * The survivor's id: a conversation of the same contact, or a contact of the account.
 */
into: string, };

/**
 * `GET /api/contacts/{id}/duplicates`: the account's other contacts that
 * look like the same person (the same phone number), to merge.
 */
export type Duplicates = { 
/**
 * At most [`DUPLICATES_LISTED`], newest first.
 */
contacts: Array<Contact>, };

/**
 * What an attribute holds.
 */
export type AttributeKind = "text" | "number" | "date" | "boolean" | "list";

/**
 * A contact attribute the account defines.
 */
export type Attribute = { 
/**
 * Attribute id.
 */
id: string, 
/**
 * Its key, as identify and the API name it (`plan`).
 */
key: string, 
/**
 * Its name, as the inbox shows it (`Plan`).
 */
name: string, 
/**
 * What it holds.
 */
kind: AttributeKind, 
/**
 * A list attribute's options, in order (empty for other kinds).
 */
options: Array<string>, 
/**
 * Creation time, ms.
 */
created_at: number, };

/**
 * `GET /api/attributes`: the account's attributes, by name.
 */
export type Attributes = { 
/**
 * The attributes.
 */
attributes: Array<Attribute>, };

/**
 * `PATCH /api/contacts/{id}/attributes`: the values the contact has now.
 */
export type ContactAttributes = { 
/**
 * The contact.
 */
id: string, 
/**
 * Its values, by attribute key.
 */
attributes: Record<string, string | number | boolean>, };

/**
 * A site's flow.
 */
export type Flow = { 
/**
 * What starts it.
 */
trigger: Trigger, 
/**
 * The line the widget shows on opening, before anything is written (never stored).
 */
greeting?: Localized | null, 
/**
 * The offline text and business hours, if the site keeps hours.
 */
offline?: Offline | null, 
/**
 * The steps, in order.
 */
steps: Array<Step>, };

/**
 * What starts the flow: one per site.
 */
export type Trigger = { "type": "open" } | { "type": "first_message" } | { "type": "on_page", 
/**
 * The URL pattern, matched against the page's path (or its whole URL when it starts with `http`).
 */
url: string, 
/**
 * Time on the page before the flow starts, 1 to 3600 seconds.
 */
seconds: number, };

/**
 * One step of a flow. Every step has an `id`, unique in the flow.
 */
export type Step = { "type": "message", 
/**
 * Step id.
 */
id: string, 
/**
 * What it says.
 */
text: string, } | { "type": "buttons", 
/**
 * Step id.
 */
id: string, 
/**
 * The question.
 */
text: string, 
/**
 * One to ten buttons.
 */
buttons: Array<Button>, } | { "type": "question", 
/**
 * Step id.
 */
id: string, 
/**
 * The question.
 */
text: string, 
/**
 * Where the answer is kept.
 */
save: SaveTo, } | { "type": "form", 
/**
 * Step id.
 */
id: string, 
/**
 * How the phone field is treated.
 */
phone: FieldMode, 
/**
 * How the company ("account") field is treated.
 */
company: FieldMode, 
/**
 * How the full-name field is treated.
 */
full_name: FieldMode, } | { "type": "wait_for_agent", 
/**
 * Step id.
 */
id: string, 
/**
 * What is said while the team is there, if anything.
 */
text?: string | null, } | { "type": "assign", 
/**
 * Step id.
 */
id: string, 
/**
 * To whom.
 */
to: Assignee, } | { "type": "label", 
/**
 * Step id.
 */
id: string, 
/**
 * The label's id.
 */
label_id: string, } | { "type": "enter_automation", 
/**
 * Step id.
 */
id: string, 
/**
 * The automation's id: a Parley automation's, or ActiveCampaign's (see `target`).
 */
automation_id: string, 
/**
 * What it enters (a webhook when stored before the connector).
 */
target: Target, } | { "type": "goto", 
/**
 * Step id.
 */
id: string, 
/**
 * The step it goes to.
 */
target: string, } | { "type": "close", 
/**
 * Step id.
 */
id: string, };

/**
 * One button of a step, and the steps it leads into.
 */
export type Button = { 
/**
 * What the button says (and what the visitor's echo says).
 */
label: string, 
/**
 * Its branch: these steps run after the button, then the flow goes on after the step with the buttons.
 */
steps: Array<Step>, };

/**
 * Where a free answer is kept.
 */
export type SaveTo = { "type": "attribute", 
/**
 * The attribute's key.
 */
key: string, } | { "type": "conversation", 
/**
 * The answer's key.
 */
key: string, };

/**
 * Who a conversation is handed to.
 */
export type Assignee = { "type": "team", 
/**
 * The team's id.
 */
id: string, } | { "type": "agent", 
/**
 * The agent's id.
 */
id: string, };

/**
 * A text the site overrides in other languages.
 */
export type Localized = { 
/**
 * The text in the site's language.
 */
text: string, 
/**
 * The text in other languages, by tag (`fr`).
 */
translations?: { [key in string]: string }, };

/**
 * What is said, and when, while nobody can answer.
 */
export type Offline = { 
/**
 * The offline text, with its translations.
 */
message: Localized, 
/**
 * Monday to Sunday; `None` is closed all day.
 */
hours: [Span | null, Span | null, Span | null, Span | null, Span | null, Span | null, Span | null], 
/**
 * IANA time zone of the hours, e.g. `Europe/Paris`.
 */
time_zone: string, };

/**
 * What a flow's waiting step asks.
 */
export type PromptKind = "buttons" | "question" | "form";

/**
 * The step a flow waits at, as the widget shows it.
 */
export type FlowPrompt = { 
/**
 * The step's id (what an answer names).
 */
step: string, 
/**
 * What it asks.
 */
kind: PromptKind, 
/**
 * The question (what labels the buttons' group); empty for the Form.
 */
text: string, 
/**
 * The buttons' labels, in order (empty unless `kind` is `buttons`).
 */
buttons: Array<string>, };

/**
 * A site's flow as the widget starts it.
 */
export type FlowStart = { 
/**
 * What starts it.
 */
trigger: Trigger, 
/**
 * For a flow the opening starts: the bot's lines shown on opening, before anything is written.
 */
lines: Array<string>, 
/**
 * For a flow the opening starts: what it then waits for.
 */
wait: FlowPrompt | null, };

/**
 * `POST /api/widget/flow/answers`: what the answer stored and where the flow waits now.
 */
export type FlowAnswered = { 
/**
 * The messages this answer stored (the opening lines of a new
 * conversation, the visitor's echo, the bot's lines), in order.
 */
messages: Array<VisitorMessage>, 
/**
 * What the flow waits for now; null once it ended.
 */
flow: FlowPrompt | null, };

/**
 * `GET`/`PUT /api/sites/{site}/flow`: the flow new conversations start on.
 */
export type FlowSettings = { 
/**
 * The site.
 */
site_id: string, 
/**
 * Its version: 1, 2, … as saved; 0 for the flow the chatbot blocks make, until one is saved.
 */
version: number, 
/**
 * The flow.
 */
flow: Flow, };

/**
 * One thing the flow did in a preview, in order.
 */
export type PreviewEffect = { "type": "say", 
/**
 * What it says.
 */
text: string, } | { "type": "save", 
/**
 * Where.
 */
to: SaveTo, 
/**
 * The answer.
 */
value: string, } | { "type": "assign", 
/**
 * To whom.
 */
to: Assignee, } | { "type": "label", 
/**
 * The label's id.
 */
label_id: string, } | { "type": "enter_automation", 
/**
 * The automation's id (Parley's, or ActiveCampaign's: see `target`).
 */
automation_id: string, 
/**
 * What it enters.
 */
target: Target, } | { "type": "close" };

/**
 * What the flow asks at the step it waits at.
 */
export type PreviewPrompt = { "type": "buttons", 
/**
 * The labels.
 */
labels: Array<string>, } | { "type": "question" } | { "type": "form", 
/**
 * How the phone field is treated.
 */
phone: FieldMode, 
/**
 * How the company field is treated.
 */
company: FieldMode, 
/**
 * How the full-name field is treated.
 */
full_name: FieldMode, };

/**
 * The step a preview stopped at, waiting for the visitor.
 */
export type PreviewWait = { 
/**
 * The step's id (what the next preview call answers).
 */
step: string, 
/**
 * What it asks.
 */
prompt: PreviewPrompt, };

/**
 * `POST /api/sites/{site}/flow/preview`: what the unsaved flow does, nothing written.
 */
export type FlowPreview = { 
/**
 * The visitor's answer as their own line (a button's label, a free answer), if one was given.
 */
echo: string | null, 
/**
 * What happened, in order.
 */
effects: Array<PreviewEffect>, 
/**
 * Where the flow waits now; `null` once it ended (the team has the conversation).
 */
wait: PreviewWait | null, };

/**
 * `POST /api/sites/{site}/flow/preview`: an unsaved flow, run from its start
 * (no `step`) or from the step it waits at with the visitor's answer: a
 * button's index (`choice`), a free answer (`text`), or neither for the Form.
 */
export type FlowPreviewInput = { 
/**
 * The flow as the editor holds it.
 */
flow: Flow, 
/**
 * The step the preview waits at; none to start the flow.
 */
step?: string, 
/**
 * The button chosen, by index.
 */
choice?: number, 
/**
 * The free answer written.
 */
text?: string, };

/**
 * Which visitors a message is for.
 */
export type Audience = "all" | "new" | "returning";

/**
 * The widget language a message is shown in.
 */
export type MessageLanguage = "any" | "en" | "fr";

/**
 * How often one visitor sees a message. A visitor without the visitor
 * cookie has no record: every cap is then once per page view.
 */
export type Frequency = "page" | "day" | "once";

/**
 * A site's proactive message, with what it led to.
 */
export type ProactiveMessage = { 
/**
 * Message id.
 */
id: string, 
/**
 * Its text.
 */
text: string, 
/**
 * The URL pattern.
 */
url: string, 
/**
 * Seconds on the page before it shows.
 */
delay_seconds: number, 
/**
 * Whom it is for.
 */
audience: Audience, 
/**
 * The widget language it is for.
 */
language: MessageLanguage, 
/**
 * Its frequency cap.
 */
frequency: Frequency, 
/**
 * Whether the widget shows it.
 */
enabled: boolean, 
/**
 * Visitors' replies to it (each reply counted once, retries included).
 */
replied: number, 
/**
 * Those replies that started a new conversation.
 */
started: number, 
/**
 * Creation time, ms.
 */
created_at: number, };

/**
 * `GET /api/sites/{site}/proactive`: the site's messages, in the order the widget tries them.
 */
export type ProactiveMessages = { 
/**
 * The messages, oldest first.
 */
messages: Array<ProactiveMessage>, 
/**
 * Most messages a site keeps.
 */
max: number, };

/**
 * A proactive message as the widget needs it to decide whether to show it:
 * never its counts.
 */
export type ProactiveTarget = { 
/**
 * Message id.
 */
id: string, 
/**
 * Its text.
 */
text: string, 
/**
 * The URL pattern.
 */
url: string, 
/**
 * Seconds on the page before it shows.
 */
delay_seconds: number, 
/**
 * Whom it is for.
 */
audience: Audience, 
/**
 * The widget language it is for.
 */
language: MessageLanguage, 
/**
 * Its frequency cap.
 */
frequency: Frequency, };

/**
 * `POST /api/sites/{site}/proactive` and `PUT /api/sites/{site}/proactive/{id}`:
 * a proactive message as the admin saved it (`shared::proactive` checks each field).
 */
export type ProactiveInput = { 
/**
 * Its text (1 to 500 characters).
 */
text: string, 
/**
 * The URL pattern (`shared::proactive::url_matches`).
 */
url: string, 
/**
 * Seconds on the page before it shows (0 to 3600).
 */
delay_seconds: number, 
/**
 * Whom it is for.
 */
audience: Audience, 
/**
 * The widget language it is for.
 */
language: MessageLanguage, 
/**
 * Its frequency cap.
 */
frequency: Frequency, 
/**
 * Whether the widget shows it (a new message is enabled unless this says otherwise).
 */
enabled: boolean | null, };

/**
 * Which days a report covers, ending today in the account's time zone.
 */
export type RangeKind = "today" | "7d" | "30d" | "custom";

/**
 * How a period is cut into buckets.
 */
export type Unit = "day" | "hour";

/**
 * `GET /api/reports…?range=&from=&to=&unit=&channel=&site=&agent=&team=&label=`:
 * which days, cut how, and which conversations.
 */
export type ReportQuery = { 
/**
 * `today`, `7d`, `30d` (the default) or `custom` (then `from` and `to`).
 */
range: RangeKind | null, 
/**
 * A custom range's first local day, `YYYY-MM-DD`.
 */
from: string | null, 
/**
 * A custom range's last local day (included), `YYYY-MM-DD`.
 */
to: string | null, 
/**
 * `day` (the default) or `hour` (at most 31 days).
 */
unit: Unit | null, 
/**
 * Only this channel.
 */
channel: Channel | null, 
/**
 * Only this site's.
 */
site: string | null, 
/**
 * Only this agent's: counts where they were the assignee (messages out: the author), durations of conversations assigned to them.
 */
agent: string | null, 
/**
 * Only this team's.
 */
team: string | null, 
/**
 * Only conversations carrying this label (counted from the conversations' facts, see the README).
 */
label: string | null, };

/**
 * Count, median and 90th percentile (nearest rank) of one duration or number.
 */
export type Spread = { 
/**
 * How many values.
 */
count: number, 
/**
 * The median (the lower middle of an even count); `null` without values.
 */
median: number | null, 
/**
 * The 90th percentile; `null` without values.
 */
p90: number | null, };

/**
 * A [`Spread`] per bucket, as columns (one entry per bucket), for charts.
 */
export type SpreadSeries = { 
/**
 * How many values per bucket.
 */
count: Array<number>, 
/**
 * The median per bucket.
 */
median: Array<number | null>, 
/**
 * The 90th percentile per bucket.
 */
p90: Array<number | null>, };

/**
 * One bucket of the current period.
 */
export type ReportBucket = { 
/**
 * When it starts, ms since the epoch.
 */
start: number, 
/**
 * Its local date (`2026-12-07`) or date and hour (`2026-12-07 14:00`), in the account's zone.
 */
label: string, };

/**
 * The current period's metrics per bucket, as columns in bucket order.
 */
export type ReportSeries = { 
/**
 * Conversations opened.
 */
opened: Array<number>, 
/**
 * Resolves.
 */
resolved: Array<number>, 
/**
 * Reopens.
 */
reopened: Array<number>, 
/**
 * Customer messages.
 */
messages_in: Array<number>, 
/**
 * Agent messages.
 */
messages_out: Array<number>, 
/**
 * First response time, ms, by the bucket of the reply.
 */
first_response_ms: SpreadSeries, 
/**
 * First response time within business hours, ms (sites with hours only).
 */
first_response_business_ms: SpreadSeries, 
/**
 * Resolution time, ms, by the bucket of the resolve.
 */
resolution_ms: SpreadSeries, 
/**
 * Resolution time within business hours, ms (sites with hours only).
 */
resolution_business_ms: SpreadSeries, };

/**
 * A period's totals.
 */
export type ReportTotals = { 
/**
 * Its first local day, `YYYY-MM-DD`.
 */
from: string, 
/**
 * Its last local day (included), `YYYY-MM-DD`.
 */
to: string, 
/**
 * Conversations opened.
 */
opened: number, 
/**
 * Resolves.
 */
resolved: number, 
/**
 * Reopens.
 */
reopened: number, 
/**
 * Customer messages.
 */
messages_in: number, 
/**
 * Agent messages.
 */
messages_out: number, 
/**
 * First response time, ms.
 */
first_response_ms: Spread, 
/**
 * First response time within business hours, ms.
 */
first_response_business_ms: Spread, 
/**
 * Resolution time, ms.
 */
resolution_ms: Spread, 
/**
 * Resolution time within business hours, ms.
 */
resolution_business_ms: Spread, 
/**
 * Agent replies from the start to the resolve, per resolved conversation.
 */
replies_to_resolve: Spread, };

/**
 * One line of the agent table (the current period).
 */
export type ReportAgent = { 
/**
 * Agent id.
 */
id: string, 
/**
 * Their name.
 */
name: string, 
/**
 * Conversations opened while assigned to them.
 */
conversations: number, 
/**
 * Resolves while assigned to them.
 */
resolved: number, 
/**
 * Their messages.
 */
messages_out: number, 
/**
 * First responses they gave, ms.
 */
first_response_ms: Spread, 
/**
 * Resolution time of the conversations assigned to them, ms.
 */
resolution_ms: Spread, };

/**
 * What part of the account a report covers.
 */
export type ReportScope = "all" | "mine";

/**
 * `GET /api/reports`: a report of the account (as far as the caller may see it).
 */
export type Report = { 
/**
 * The account's IANA time zone: days and hours are local to it.
 */
time_zone: string, 
/**
 * How the buckets cut the period.
 */
unit: Unit, 
/**
 * `all` for the primary admin; `mine` for an agent: their teams' conversations and those assigned to them.
 */
scope: ReportScope, 
/**
 * The current period's buckets, in order.
 */
buckets: Array<ReportBucket>, 
/**
 * The current period per bucket.
 */
series: ReportSeries, 
/**
 * The current period's totals.
 */
current: ReportTotals, 
/**
 * The previous period's (as many days, just before).
 */
previous: ReportTotals, 
/**
 * Busiest hours: customer messages of the current period by local weekday (Monday first) and hour, 7 × 24.
 */
heat_map: Array<Array<number>>, 
/**
 * The agent table, by name.
 */
agents: Array<ReportAgent>, };

/**
 * How satisfied the visitor or contact was, 1 to 5; the three faces of a
 * short form are 1, 3 and 5.
 */
export type Score = 1 | 2 | 3 | 4 | 5;

/**
 * Where a rating was given.
 */
export type RatingSource = "widget" | "email";

/**
 * A conversation's rating request as its visitor sees it (the thread's
 * `rating`, and the `rate` push when an agent resolves the chat): the
 * widget's rating module shows it while it is open.
 */
export type VisitorRating = { 
/**
 * The conversation to rate.
 */
conversation_id: string, 
/**
 * When the rating was asked (the conversation resolved), ms.
 */
asked_at: number, 
/**
 * Until when it can be given or changed, ms.
 */
open_until: number, 
/**
 * The score given so far, if any.
 */
score: Score | null, 
/**
 * The comment given so far, if any.
 */
comment: string | null, };

/**
 * A conversation's rating as the team sees it (the contact panel, the rating's answer).
 */
export type Rating = { 
/**
 * The conversation rated.
 */
conversation_id: string, 
/**
 * The score.
 */
score: Score, 
/**
 * The comment, if any.
 */
comment: string | null, 
/**
 * Where it was given.
 */
source: RatingSource, 
/**
 * When it was asked, ms.
 */
asked_at: number, 
/**
 * When it was last given or changed, ms.
 */
rated_at: number, };

/**
 * `POST /api/widget/rating`: 201 for a first rating, 200 for a change.
 */
export type RatingAnswer = { 
/**
 * The rating as now stored.
 */
rating: Rating, 
/**
 * Whether this request gave the conversation's first rating (else it changed it).
 */
created: boolean, };

/**
 * `POST /api/widget/rating`: the visitor's rating of their resolved conversation.
 */
export type RateInput = { 
/**
 * The conversation rated (the visitor's own).
 */
conversation_id: string, 
/**
 * 1 to 5.
 */
score: Score, 
/**
 * An optional comment.
 */
comment: string | null, };

/**
 * One period's satisfaction figures.
 */
export type SatisfactionPeriod = { 
/**
 * Its first local day, `YYYY-MM-DD`.
 */
from: string, 
/**
 * Its last local day, `YYYY-MM-DD`.
 */
to: string, 
/**
 * Conversations asked for a rating (resolved on a site with ratings on) in it.
 */
asked: number, 
/**
 * Of those, how many were rated.
 */
rated: number, 
/**
 * `rated / asked`, 0 to 1; null when none was asked.
 */
response_rate: number | null, 
/**
 * The average score, 1 to 5; null without a rating.
 */
average: number | null, 
/**
 * The share of 4s and 5s, 0 to 1 (CSAT %); null without a rating.
 */
satisfied: number | null, 
/**
 * How many ratings of each score: `[ones, twos, threes, fours, fives]`.
 */
distribution: [number, number, number, number, number], };

/**
 * A recent rating with a comment, for the report's list.
 */
export type RatingComment = { 
/**
 * The conversation rated.
 */
conversation_id: string, 
/**
 * The score.
 */
score: Score, 
/**
 * The comment.
 */
comment: string, 
/**
 * When it was given or last changed, ms.
 */
rated_at: number, 
/**
 * The conversation's channel.
 */
channel: Channel, 
/**
 * Who rated: the contact's name or email, else null.
 */
contact_name: string | null, };

/**
 * `GET /api/reports/satisfaction`: the range's figures, the previous period's beside them, and its latest comments.
 */
export type SatisfactionReport = { 
/**
 * The account's time zone the days are local to.
 */
time_zone: string, 
/**
 * The period asked for (a rating counts where the conversation was asked).
 */
current: SatisfactionPeriod, 
/**
 * The same number of days just before it.
 */
previous: SatisfactionPeriod, 
/**
 * The latest ratings with a comment in the period, newest first (at most 20).
 */
comments: Array<RatingComment>, };

/**
 * Which deadline a conversation waits on.
 */
export type SlaKind = "first_response" | "resolution";

/**
 * Where a conversation stands against its next deadline.
 */
export type SlaState = "ok" | "due_soon" | "breached";

/**
 * The order of the inbox list.
 */
export type ListSort = "activity" | "due";

/**
 * One channel's targets on a site.
 */
export type SlaTarget = { 
/**
 * The channel.
 */
channel: Channel, 
/**
 * Minutes to the first response, 1 to 43200; `null`: none.
 */
first_response_minutes: number | null, 
/**
 * Minutes to the resolve, 1 to 43200; `null`: none.
 */
resolution_minutes: number | null, 
/**
 * Whether the minutes count only within the site's business hours.
 */
business_hours: boolean, };

/**
 * `GET`/`PUT /api/sites/{site}/sla`: a site's targets, one row per channel.
 */
export type SlaSettings = { 
/**
 * The site.
 */
site_id: string, 
/**
 * Whether the site keeps business hours (the chatbot's offline hours).
 */
has_business_hours: boolean, 
/**
 * Every channel, in order, with its targets (none where unset).
 */
targets: Array<SlaTarget>, };

/**
 * `PUT /api/sites/{site}/sla`: the channels' targets to keep (a channel left
 * out, or with neither target, has none).
 */
export type SlaInput = { 
/**
 * At most one row per channel.
 */
targets: Array<SlaTarget>, };

/**
 * A listed conversation's next deadline and where it stands now.
 */
export type SlaMark = { 
/**
 * Which deadline.
 */
kind: SlaKind, 
/**
 * Ok, due soon or breached, now.
 */
state: SlaState, 
/**
 * The deadline (ms).
 */
due_at: number, };

/**
 * One kind of deadline's outcomes.
 */
export type SlaCounts = { 
/**
 * Conversations with this deadline.
 */
due: number, 
/**
 * Met: the reply or resolve came at or before it.
 */
met: number, 
/**
 * Breached: it came after it, or has not come and the deadline passed.
 */
breached: number, };

/**
 * A channel's breaches over a period (conversations started in it).
 */
export type SlaChannelReport = { 
/**
 * The channel.
 */
channel: Channel, 
/**
 * Conversations with a target (either kind).
 */
conversations: number, 
/**
 * First-response deadlines.
 */
first_response: SlaCounts, 
/**
 * Resolution deadlines.
 */
resolution: SlaCounts, 
/**
 * Of the deadlines decided (met or breached, both kinds), the share met, 0 to 1; `null` when none is decided.
 */
met_share: number | null, };

/**
 * A period of the SLA report.
 */
export type SlaPeriod = { 
/**
 * Its first local day, `YYYY-MM-DD`.
 */
from: string, 
/**
 * Its last local day, `YYYY-MM-DD`.
 */
to: string, 
/**
 * Every channel, in order.
 */
channels: Array<SlaChannelReport>, };

/**
 * `GET /api/reports/sla`: breaches per channel, the period asked for and the one before it.
 */
export type SlaReport = { 
/**
 * The period asked for.
 */
current: SlaPeriod, 
/**
 * As many days just before it.
 */
previous: SlaPeriod, };

/**
 * What "Enter an automation" enters: a Parley automation (its signed
 * webhook) or one of the account's ActiveCampaign automations.
 */
export type Target = "webhook" | "activecampaign";

/**
 * Where an account's connection stands (`off`: none stored).
 */
export type ConnectionState = "active" | "paused" | "off";

/**
 * What one call to ActiveCampaign does (a job's step, or an admin's look-up).
 */
export type CallKind = "check" | "sync" | "find_tag" | "create_tag" | "tag" | "note" | "automation" | "list";

/**
 * What came of one call, as the call log shows it.
 */
export type CallState = "done" | "retrying" | "rate_limited" | "paused" | "failed";

/**
 * One mapping of a Parley contact field to an ActiveCampaign custom field.
 */
export type CrmFieldMapping = { 
/**
 * `company`, or a contact attribute's key.
 */
attribute: string, 
/**
 * The custom field's id in ActiveCampaign.
 */
field_id: string, 
/**
 * The custom field's title, as ActiveCampaign had it when the mapping was saved.
 */
field_title: string, };

/**
 * One mapping as the admin saves it (the title is read from ActiveCampaign).
 */
export type CrmFieldMapInput = { 
/**
 * `company`, or a contact attribute's key.
 */
attribute: string, 
/**
 * The custom field's id in ActiveCampaign.
 */
field_id: string, };

/**
 * `GET`/`PUT /api/integrations/activecampaign`: the account's connection (never its key).
 */
export type CrmConnection = { 
/**
 * Whether a connection is stored (active or paused).
 */
connected: boolean, 
/**
 * The account's API URL.
 */
api_url: string | null, 
/**
 * Active, paused (the key was refused) or off.
 */
state: ConnectionState, 
/**
 * Why it is paused, for Settings.
 */
paused_reason: string | null, 
/**
 * Whether unverified claims are pushed too (tagged `parley-unverified`).
 */
push_unverified: boolean, 
/**
 * Parley fields to ActiveCampaign custom fields.
 */
field_map: Array<CrmFieldMapping>, 
/**
 * Jobs not yet done (pending or waiting for a new key).
 */
pending: number, 
/**
 * When it was connected (ms).
 */
connected_at: number | null, };

/**
 * `PUT /api/integrations/activecampaign`: connect, or change the connection.
 */
export type CrmConnect = { 
/**
 * The account's API URL (ActiveCampaign's Settings › Developer).
 */
api_url: string, 
/**
 * The API key; `null` keeps the stored one (required to connect the first time).
 */
api_key: string | null, 
/**
 * Whether unverified claims are pushed too.
 */
push_unverified: boolean, 
/**
 * Parley fields to ActiveCampaign custom fields.
 */
field_map: Array<CrmFieldMapInput>, };

/**
 * One of the account's ActiveCampaign automations.
 */
export type CrmAutomation = { 
/**
 * ActiveCampaign's id.
 */
id: string, 
/**
 * Its name.
 */
name: string, 
/**
 * Whether it is active in ActiveCampaign.
 */
active: boolean, };

/**
 * One of the account's ActiveCampaign custom contact fields.
 */
export type CrmField = { 
/**
 * ActiveCampaign's id.
 */
id: string, 
/**
 * Its title.
 */
title: string, };

/**
 * One call to ActiveCampaign, as the call log shows it.
 */
export type CrmCall = { 
/**
 * The call's id.
 */
id: string, 
/**
 * The job it was a step of (none for Settings' look-ups).
 */
job_id: string | null, 
/**
 * What it did.
 */
kind: CallKind, 
/**
 * The Parley contact (none once erased).
 */
contact_id: string | null, 
/**
 * The contact's email when the call was made (none once erased).
 */
email: string | null, 
/**
 * The site of the job.
 */
site_id: string | null, 
/**
 * `GET` or `POST`.
 */
method: string, 
/**
 * The path under the API URL, e.g. `/api/3/contact/sync`.
 */
path: string, 
/**
 * ActiveCampaign's status, if it answered.
 */
status: number | null, 
/**
 * Why it failed: ActiveCampaign's message, or why it was not reached.
 */
error: string | null, 
/**
 * What came of it.
 */
state: CallState, 
/**
 * The job's attempt of this step (1 for the first).
 */
attempt: number, 
/**
 * When it was made (ms).
 */
at: number, };

/**
 * A site's tags to apply, by the channel the contact came from.
 */
export type CrmTags = { 
/**
 * Contacts from the chat widget.
 */
chat: Array<string>, 
/**
 * Contacts from inbound email.
 */
email: Array<string>, 
/**
 * Contacts from Messenger (who have no email until an agent adds one).
 */
messenger: Array<string>, };

/**
 * `GET`/`PUT /api/sites/{site}/activecampaign`: a site's part of the connection.
 */
export type CrmSiteSettings = { 
/**
 * Whether the site's contacts flow to ActiveCampaign.
 */
enabled: boolean, 
/**
 * Tags to apply, per channel.
 */
tags: CrmTags, 
/**
 * Whether a note links the ActiveCampaign contact to the conversation in the inbox.
 */
note: boolean, };

/**
 * What the contact card found.
 */
export type CrmCardState = "off" | "not_found" | "found" | "busy";

/**
 * One list of the contact, with its status there.
 */
export type CrmCardList = { 
/**
 * The list's name.
 */
name: string, 
/**
 * `active`, `unsubscribed`, `bounced`, `unconfirmed`…
 */
status: string, };

/**
 * One deal of the contact.
 */
export type CrmCardDeal = { 
/**
 * Its title.
 */
title: string, 
/**
 * Its stage's name.
 */
stage: string, 
/**
 * Its value (in the currency's major unit, as ActiveCampaign shows it).
 */
value: string | null, 
/**
 * Its currency (`usd`).
 */
currency: string | null, };

/**
 * `GET /api/contacts/{id}/activecampaign`: the contact as ActiveCampaign has it.
 */
export type CrmContactCard = { 
/**
 * Off, not found, found or busy.
 */
state: CrmCardState, 
/**
 * ActiveCampaign's contact id.
 */
contact_id: string | null, 
/**
 * Where it opens in ActiveCampaign.
 */
url: string | null, 
/**
 * Its tags' names.
 */
tags: Array<string>, 
/**
 * Its lists and its status on each.
 */
lists: Array<CrmCardList>, 
/**
 * Its deals.
 */
deals: Array<CrmCardDeal>, 
/**
 * When ActiveCampaign was asked (ms).
 */
fetched_at: number, };

