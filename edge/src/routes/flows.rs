//! Settings › Chatbot as a flow: the site's flow with its version, saving a
//! new version (checked, and against the account), and previewing an
//! unsaved flow without writing anything. The primary admin's.

use shared::api;
use shared::flow::{Answer, Ctx, Flow, FlowError};
use worker::Response;

use super::sites::owned_site;
use super::Cx;
use crate::auth::Admin;
use crate::clock::{now_ms, weekday_and_minute};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json_up_to};

/// A flow of 100 steps with long texts and translations is larger than the
/// usual body limit; this one still bounds it.
const MAX_FLOW_BODY: usize = 256 * 1024;

/// Whether the flow's business hours are open now (always, without hours);
/// `None` when its time zone is not one the runtime knows.
fn open_now(flow: &Flow) -> Option<bool> {
    match &flow.offline {
        None => Some(true),
        Some(offline) => weekday_and_minute(now_ms(), &offline.time_zone)
            .map(|(weekday, minute)| flow.open_at(weekday, minute)),
    }
}

/// `GET /api/sites/{site}/flow`: the flow new conversations start on, with its version (0: the blocks' flow).
pub async fn show(cx: &mut Cx<'_>, admin: Admin, site_id: &str) -> ApiResult<Response> {
    let site = owned_site(cx, &admin, site_id).await?;
    let (version, flow) = site.flow();
    json(
        200,
        &api::FlowSettings {
            site_id: site.id,
            version,
            flow,
        },
    )
}

/// `PUT /api/sites/{site}/flow`: a flow, checked (naming the step at fault)
/// and against the account, saved as the site's next version, which new
/// conversations start on; conversations mid-flow keep theirs.
pub async fn save(cx: &mut Cx<'_>, admin: Admin, site_id: &str) -> ApiResult<Response> {
    let flow: Flow = read_json_up_to(&mut cx.req, MAX_FLOW_BODY).await?;
    owned_site(cx, &admin, site_id).await?;
    flow.validate()?;
    if open_now(&flow).is_none() {
        return Err(ApiError::InvalidFlow(FlowError {
            code: "time_zone_invalid",
            step: None,
            message: "The offline text's time zone must be an IANA time zone such as Europe/Paris."
                .into(),
        }));
    }
    let store = cx.app.store;
    let known = store
        .known_references(&admin.account_id, site_id, &flow)
        .await?;
    flow.check_references(|r| known.has(r))?;
    let saved = serde_json::to_string(&flow).map_err(|e| ApiError::Internal(e.to_string()))?;
    let version = store
        .save_flow(&admin.account_id, site_id, &saved, &admin.id, now_ms())
        .await?
        .ok_or(ApiError::NotFound("Site"))?;
    super::sla::hours_changed(cx, site_id, flow.offline.as_ref()).await?;
    json(
        200,
        &api::FlowSettings {
            site_id: site_id.to_string(),
            version,
            flow,
        },
    )
}

/// `POST /api/sites/{site}/flow/preview`: runs an unsaved (checked) flow from
/// its start, or from the step it waits at with an answer, as a visitor who
/// has not answered the Form would see it within business hours or outside
/// them as the clock says now; writes nothing.
pub async fn preview(cx: &mut Cx<'_>, admin: Admin, site_id: &str) -> ApiResult<Response> {
    let input: api::FlowPreviewInput = read_json_up_to(&mut cx.req, MAX_FLOW_BODY).await?;
    owned_site(cx, &admin, site_id).await?;
    let flow = input.flow;
    flow.validate()?;
    let cx_run = Ctx {
        open: open_now(&flow).unwrap_or(true),
        form_done: false,
        lang: "",
    };
    let run = match (input.step.as_deref(), input.choice, input.text.as_deref()) {
        (None, None, None) => flow.start(cx_run),
        (Some(step), Some(choice), None) => flow.answer(step, Answer::Choice(choice), cx_run)?,
        (Some(step), None, Some(text)) => flow.answer(step, Answer::Text(text), cx_run)?,
        (Some(step), None, None) => flow.answer(step, Answer::Form, cx_run)?,
        _ => {
            return Err(ApiError::Invalid(shared::Invalid::new(
                "preview_invalid",
                "A preview starts the flow (no step) or answers the step it waits at with a choice, a text, or neither (the Form).",
            )))
        }
    };
    json(200, &api::FlowPreview::from(run))
}
