//! `GET /api/contacts/{id}/activecampaign` (agent): the contact panel's
//! ActiveCampaign card. The answer is kept 60 s per contact
//! (`store::crm_card`), so reopening a conversation makes no call. Each call
//! takes its turn in the account's bucket (5 a second, shared with the sync
//! pipeline); a call that cannot have one soon, a 429 (whose `Retry-After`
//! then holds the account's other calls too), a refused key or an
//! ActiveCampaign that cannot be reached makes the card "busy" (never kept).
//! What ActiveCampaign's answers mean is `shared::crm_card`'s.

use std::collections::BTreeMap;
use std::time::Duration;

use shared::api::{CrmCardDeal, CrmCardList, CrmCardState, CrmContactCard};
use shared::crm_card as card;
use worker::{Delay, Method, Response};

use super::Cx;
use crate::auth::Agent;
use crate::clock::now_ms;
use crate::crm::client::{self, AcAccount};
use crate::error::{ApiError, ApiResult};
use crate::http::json;
use crate::store::{Store, Token};

/// How long the card waits, in all, for its turns in the account's bucket
/// (or a 429's `Retry-After`) before it says ActiveCampaign is busy.
const MOST_WAIT_MS: u64 = 6_000;

/// The card of the account's contact `id`.
pub async fn show(cx: &mut Cx<'_>, agent: Agent, id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    let account = &agent.account_id;
    let contact = store
        .card_contact(account, id)
        .await?
        .ok_or(ApiError::NotFound("Contact"))?;
    let now = now_ms();
    let since = now.saturating_sub(shared::crm::CARD_CACHE_MS);
    if let Some(kept) = store.cached_card(account, id, since).await? {
        return json(200, &kept);
    }
    let opened = crate::crm::open_account(store, cx.app.secrets, account).await?;
    let card = match (opened, contact.email) {
        (Some(ac), Some(email)) => {
            let asker = Asker {
                store,
                account_id: account,
                ac,
                deadline: now + MOST_WAIT_MS,
            };
            read(&asker, &email, now).await?
        }
        _ => empty(CrmCardState::Off, now),
    };
    if matches!(card.state, CrmCardState::Found | CrmCardState::NotFound) {
        store.keep_card(account, id, &card).await?;
    }
    json(200, &card)
}

/// ActiveCampaign as the card asks it: the account's API URL and key, each
/// call in its turn in the account's bucket (shared with the sync jobs).
struct Asker<'a> {
    store: &'a Store,
    account_id: &'a str,
    ac: AcAccount,
    /// When to stop waiting for turns (ms).
    deadline: u64,
}

impl Asker<'_> {
    /// `GET path`: the body of a 2xx; `None` when no turn came in time or
    /// ActiveCampaign did not answer 2xx (429, a refused key, 5xx, unreachable).
    async fn get(&self, path: &str) -> ApiResult<Option<String>> {
        loop {
            let now = now_ms();
            match self.store.take_crm_token(self.account_id, now).await? {
                Token::Granted => break,
                Token::Wait(ms) if now + ms <= self.deadline => {
                    Delay::from(Duration::from_millis(ms)).await;
                }
                Token::Wait(_) | Token::Paused | Token::Gone => return Ok(None),
            }
        }
        match client::call(&self.ac, Method::Get, path, None).await {
            Ok(answer) if answer.ok() => Ok(Some(answer.text)),
            Ok(answer) if answer.status == 429 => {
                let now = now_ms();
                let wait = shared::crm::retry_after_ms(answer.retry_after.as_deref(), now);
                self.store
                    .hold_crm_calls(self.account_id, now + wait)
                    .await?;
                Ok(None)
            }
            Ok(answer) => {
                worker::console_warn!("ActiveCampaign card: {path} answered {}", answer.status);
                Ok(None)
            }
            Err(reason) => {
                worker::console_warn!("ActiveCampaign card: {path}: {reason}");
                Ok(None)
            }
        }
    }

    /// The account's API URL.
    fn api_url(&self) -> &str {
        &self.ac.api_url
    }
}

/// A card with nothing in it.
fn empty(state: CrmCardState, now: u64) -> CrmContactCard {
    CrmContactCard {
        state,
        contact_id: None,
        url: None,
        tags: vec![],
        lists: vec![],
        deals: vec![],
        fetched_at: now,
    }
}

/// Asks ActiveCampaign: the contact by email, its tags, lists and deals, then
/// their names. Any call that cannot be made now makes the card busy.
async fn read(ac: &Asker<'_>, email: &str, now: u64) -> ApiResult<CrmContactCard> {
    let query: String = url::form_urlencoded::byte_serialize(email.as_bytes()).collect();
    // https://developers.activecampaign.com/reference/list-all-contacts
    let Some(found) = ac.get(&format!("/api/3/contacts?email={query}")).await? else {
        return Ok(empty(CrmCardState::Busy, now));
    };
    let Some(id) = card::found_contact(&found) else {
        return Ok(empty(CrmCardState::NotFound, now));
    };
    Ok(match contact_parts(ac, &id).await? {
        Some((tags, lists, deals)) => CrmContactCard {
            state: CrmCardState::Found,
            url: Some(shared::crm::contact_url(ac.api_url(), &id)),
            contact_id: Some(id),
            tags,
            lists,
            deals,
            fetched_at: now,
        },
        None => empty(CrmCardState::Busy, now),
    })
}

/// A found contact's tags, lists and deals, named; `None`: a call could not be made.
async fn contact_parts(
    ac: &Asker<'_>,
    id: &str,
) -> ApiResult<Option<(Vec<String>, Vec<CrmCardList>, Vec<CrmCardDeal>)>> {
    // The contact's links: contactTags (reference/contact-tags), contactLists, deals (reference/list-all-deals).
    let base = format!("/api/3/contacts/{id}");
    let (Some(tags), Some(lists), Some(deals)) = (
        ac.get(&format!("{base}/contactTags")).await?,
        ac.get(&format!("{base}/contactLists")).await?,
        ac.get(&format!("{base}/deals")).await?,
    ) else {
        return Ok(None);
    };
    let mut tag_names = Vec::new();
    for tag in card::contact_tag_ids(&tags) {
        // https://developers.activecampaign.com/reference/retrieve-a-tag
        let Some(body) = ac.get(&format!("/api/3/tags/{tag}")).await? else {
            return Ok(None);
        };
        tag_names.push(card::tag_name(&body).unwrap_or_else(|| format!("#{tag}")));
    }
    let memberships = card::memberships(&lists);
    let deals = card::deals(&deals);
    // https://developers.activecampaign.com/reference/retrieve-all-lists
    let Some(list_names) = names(ac, !memberships.is_empty(), "lists", "name").await? else {
        return Ok(None);
    };
    // https://developers.activecampaign.com/reference/list-all-deal-stages
    let Some(stage_names) = names(ac, !deals.is_empty(), "dealStages", "title").await? else {
        return Ok(None);
    };
    let lists = memberships
        .into_iter()
        .map(|(list, status)| CrmCardList {
            name: card::named(&list_names, &list),
            status: status.to_string(),
        })
        .collect();
    let deals = deals
        .into_iter()
        .map(|d| CrmCardDeal {
            stage: card::named(&stage_names, &d.stage),
            title: d.title,
            value: d.value.map(card::major_unit),
            currency: d.currency,
        })
        .collect();
    Ok(Some((tag_names, lists, deals)))
}

/// The names of the account's `/api/3/{key}` (its first 100), by id: none
/// asked when not `needed`; `None`: the call could not be made.
async fn names(
    ac: &Asker<'_>,
    needed: bool,
    key: &str,
    field: &str,
) -> ApiResult<Option<BTreeMap<String, String>>> {
    if !needed {
        return Ok(Some(BTreeMap::new()));
    }
    Ok(ac
        .get(&format!("/api/3/{key}?limit=100"))
        .await?
        .map(|body| card::names(&body, key, field)))
}
