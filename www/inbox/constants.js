// Generated from shared by `UPDATE_API_TYPES=1 cargo test -p shared --features serde typescript`
// (shared/src/api/typescript_constants.rs). Do not edit: change the Rust constant and regenerate.

/** shared::live::PING: the keep-alive the server answers with PONG without waking. */
export const PING = "ping";

/** shared::live::PONG. */
export const PONG = "pong";

/** shared::live::PING_MS: an idle socket pings this often, in ms. */
export const PING_MS = 45000;

/** shared::live::RECONNECT_FIRST_MS: the first reconnection after a drop waits this long, in ms. */
export const RECONNECT_FIRST_MS = 500;

/** shared::live::RECONNECT_MAX_MS: reconnections wait at most this long, in ms. */
export const RECONNECT_MAX_MS = 15000;

/** shared::live::MAX_DOUBLINGS: a backoff doubles at most this many times. */
export const MAX_DOUBLINGS = 8;

/** shared::live::TYPING_SHOW_MS: a typing indicator with no news for this long, in ms, is taken down. */
export const TYPING_SHOW_MS = 6000;

/** shared::saved_reply::MAX_SHORTCUT_CHARS: the longest saved-reply shortcut (without its `/`). */
export const SAVED_REPLY_SHORTCUT_CHARS = 32;

/** shared::saved_reply::MAX_TITLE_CHARS: the longest saved-reply title. */
export const SAVED_REPLY_TITLE_CHARS = 100;

/** shared::saved_reply::MAX_BODY_CHARS: the longest saved reply. */
export const SAVED_REPLY_BODY_CHARS = 4000;

/** shared::email::signature::MAX_SIGNATURE_CHARS: the longest email signature (an agent's or a site's). */
export const SIGNATURE_CHARS = 1000;

/** shared::form::MAX_FIELD_CHARS: the longest one-line field, a site's name among them. */
export const LINE_CHARS = 100;

/** shared::chatbot::MAX_MESSAGE_CHARS: the longest greeting or offline message. */
export const BOT_MESSAGE_CHARS = 500;

/** shared::label::MAX_NAME_CHARS: the longest label name. */
export const LABEL_NAME_CHARS = 40;

/** shared::files::MAX_UPLOAD_BYTES: the largest file a visitor or an agent may upload. */
export const MAX_UPLOAD_BYTES = 10485760;

/** shared::files::upload_accept: a file picker's `accept` list, the kinds anyone may upload. */
export const UPLOAD_ACCEPT = "image/png,image/jpeg,image/gif,image/webp,application/pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.rtf";

/** shared::api::FILE_MARK: marks a file's line in the text the widget shows. */
export const FILE_MARK = "📎 ";

/** shared::visitor::COOKIE_NAME: the cookie the widget keeps the visitor token in. */
export const VISITOR_COOKIE = "parley_visitor";

/** shared::visitor::COOKIE_MAX_AGE_SECONDS: that cookie's Max-Age (and the marker's). */
export const VISITOR_COOKIE_MAX_AGE = 2592000;

/** shared::visitor::MARKER_COOKIE_PREFIX: the widget's marker cookie is this and the site id. */
export const MARKER_COOKIE_PREFIX = "parley_unread_";

/** shared::contact::CONFIRM_UNVERIFIED's code: an email to an unverified address awaits the agent's confirmation. */
export const CONFIRM_UNVERIFIED_EMAIL = "confirm_unverified_email";

/** shared::email::loops::Flag::SenderUnverified: the flag of inbound mail whose sender could not be verified. */
export const SENDER_UNVERIFIED = "sender_unverified";

/** shared::email::fold::Fold::label: a message's folded part is called this, by what the worker folded (`email_headers.folded`). */
export const FOLD_LABELS = { "quote": "Show quoted text", "signature": "Show signature", "quote_and_signature": "Show signature and quoted text" };

/** shared::i18n::Text::OpenChat, [English, French]: the launcher's label. */
export const OPEN_CHAT = ["Open chat", "Ouvrir le chat"];

/** shared::i18n::Text::Unread, [English, French]: after the launcher's label, before the number of unread replies. */
export const UNREAD = [". Unread replies: ", ". Réponses non lues : "];

/** shared::i18n::ATTACH_FILE, [English, French]: the paperclip's label. */
export const ATTACH_FILE = ["Attach a file", "Joindre un fichier"];

/** shared::i18n::FILE_NOT_SENT, [English, French]: the notice when a file was refused or could not be sent. */
export const FILE_NOT_SENT = ["File not sent: images, PDF or office documents, up to 10 MB.", "Fichier non envoyé : images, PDF ou documents bureautiques, 10 Mo au plus."];

/** shared::team::MAX_NAME_CHARS: the longest team name. */
export const TEAM_NAME_CHARS = 40;

/** shared::team::MAX_CAPACITY: the largest capacity an agent may be given. */
export const MAX_CAPACITY = 1000;

/** shared::proactive::SEEN_COOKIE: the cookie recording which proactive messages a visitor with the visitor cookie saw. */
export const PROACTIVE_SEEN_COOKIE = "parley_proactive";

/** shared::proactive::DAY_MS: a day, in ms (a daily cap's unit). */
export const PROACTIVE_DAY_MS = 86400000;

/** shared::proactive::DISMISS, [English, French]: the proactive bubble's dismiss button. */
export const PROACTIVE_DISMISS = ["Dismiss message", "Fermer le message"];

/** shared::proactive::MAX_PER_SITE: the most proactive messages a site keeps. */
export const PROACTIVE_MAX = 20;

/** shared::proactive::MAX_PATTERN_CHARS: the longest URL pattern. */
export const PROACTIVE_URL_CHARS = 300;

/** shared::proactive::MAX_DELAY_SECONDS: the longest time on page a message waits for. */
export const PROACTIVE_MAX_DELAY = 3600;
