//! The inbox's conversation list: a page of it, newest activity first, or a
//! search (`q`), best match first with snippets; filters, and the opaque
//! cursor of the next page. The SQL is `store::list`'s; the words typed are
//! made safe by `shared::search`.

use shared::api;
use shared::search::{fts_query, Cursor};
use shared::Invalid;
use worker::Response;

use super::Cx;
use crate::auth::Agent;
use crate::error::{ApiError, ApiResult};
use crate::http::json;
use crate::store::{ListFilter, SearchTerms, Store, TeamScope};
use shared::sla::ListSort;
use shared::team::TeamFilter;

/// The list's query string named an unknown channel, status or parameter.
const BAD_FILTER: Invalid = Invalid::new(
    "invalid_filter",
    "Filters: channel (chat, email, messenger), status (open, closed), assignee (me, unassigned or an agent id), site, q, \
     spam (true or false), snoozed (true or false), before (the previous page's next), limit (1 to 100), \
     labels (1 to 10 label ids, comma-separated: conversations carrying all of them), \
     team (mine: my teams', none, or a team id), sort (activity, or due: by time left, not with q).",
);
/// `before` was not the `next` of an earlier page of the same list (or search).
const BAD_CURSOR: Invalid = Invalid::new(
    "invalid_cursor",
    "before must be the next of the previous page of the same list (or of the same search).",
);
/// Most labels one list filters by.
const MAX_LABELS: usize = 10;
/// Largest page of the conversation list.
const MAX_PAGE: u32 = 100;

/// `GET /api/conversations?channel=&status=&assignee=&team=&site=&labels=&q=&spam=&before=&limit=`:
/// a page of the account's inbox, newest activity first, or with `q` a search
/// (words written in the conversation, or its person's name or email), best
/// match first with a snippet; and the opaque cursor of the next page.
pub async fn list(cx: &mut Cx<'_>, agent: Agent) -> ApiResult<Response> {
    let query: api::ConversationFilter =
        cx.req.query().map_err(|_| ApiError::Invalid(BAD_FILTER))?;
    let limit = query.limit.unwrap_or(MAX_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::Invalid(BAD_FILTER));
    }
    let cursor = query
        .before
        .as_deref()
        .map(|b| Cursor::decode(b).ok_or(ApiError::Invalid(BAD_CURSOR)))
        .transpose()?;
    let labels = label_ids(query.labels.as_deref())?;
    let filter = ListFilter {
        channel: query.channel,
        status: query.status,
        assignee: match query.assignee.as_deref() {
            None => None,
            Some("unassigned") => Some(None),
            Some("me") => Some(Some(agent.id.as_str())),
            Some(other) => Some(Some(other)),
        },
        site: query.site.as_deref(),
        spam: query.spam == Some(true),
        labels: &labels,
        snoozed: query.snoozed == Some(true),
        team: match query.team.as_deref().map(TeamFilter::parse) {
            None => None,
            Some(None) => return Err(ApiError::Invalid(BAD_FILTER)),
            Some(Some(TeamFilter::Mine)) => Some(TeamScope::MemberOf(agent.id.as_str())),
            Some(Some(TeamFilter::NoTeam)) => Some(TeamScope::NoTeam),
            Some(Some(TeamFilter::One(id))) => Some(TeamScope::One(id)),
        },
        due: query.sort == Some(ListSort::Due),
    };
    let search = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    if filter.due && search.is_some() {
        return Err(ApiError::Invalid(BAD_FILTER));
    }
    let page = page(
        cx.app.store,
        &agent.account_id,
        &filter,
        (search, cursor),
        limit,
    )
    .await?;
    json(200, &page)
}

/// The label ids of `labels=` (comma-separated), each once, in order.
fn label_ids(raw: Option<&str>) -> ApiResult<Vec<String>> {
    let mut ids: Vec<String> = Vec::new();
    for id in raw.unwrap_or_default().split(',').map(str::trim) {
        if !id.is_empty() && !ids.iter().any(|i| i == id) {
            ids.push(id.to_string());
        }
    }
    if raw.is_some() && (ids.is_empty() || ids.len() > MAX_LABELS) {
        return Err(ApiError::Invalid(BAD_FILTER));
    }
    Ok(ids)
}

/// A page of the list (`search` none) or of a search, after `cursor`, which
/// must come from the same kind of list.
async fn page(
    store: &Store,
    account_id: &str,
    filter: &ListFilter<'_>,
    (search, cursor): (Option<&str>, Option<Cursor>),
    limit: u32,
) -> ApiResult<api::ConversationPage> {
    let page = match (search, cursor) {
        (None, None) => store.conversations(account_id, filter, None, limit).await?,
        (
            None,
            Some(Cursor::List {
                last_message_at,
                id,
            }),
        ) if !filter.due => {
            store
                .conversations(account_id, filter, Some((last_message_at, &id)), limit)
                .await?
        }
        (Some(q), cursor) => {
            let fts = fts_query(q)?;
            let terms = SearchTerms {
                fts: fts.as_deref(),
                person: q,
            };
            let after = match &cursor {
                None => None,
                Some(Cursor::Search {
                    person,
                    score,
                    last_message_at,
                    id,
                }) => Some((*person, *score, *last_message_at, id.as_str())),
                Some(Cursor::List { .. } | Cursor::Due { .. }) => {
                    return Err(ApiError::Invalid(BAD_CURSOR))
                }
            };
            store
                .search(account_id, filter, &terms, after, limit)
                .await?
        }
        (None, Some(Cursor::Due { due_at, id })) if filter.due => {
            store
                .conversations(account_id, filter, Some((due_at, &id)), limit)
                .await?
        }
        (None, Some(_)) => return Err(ApiError::Invalid(BAD_CURSOR)),
    };
    Ok(page)
}
