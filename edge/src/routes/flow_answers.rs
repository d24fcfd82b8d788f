//! The chatbot flow's runtime, the visitor's side: the worker, not the
//! widget, decides the next step. An answer names the step it answers; the
//! worker runs the conversation's own flow version (`shared::flow`) from the
//! step it waits at and writes the turn as one batch whose compare-and-set on
//! that step guards every write (`store::widget::flows`).

use serde_json::Value;
use shared::api::{self, FlowPrompt};
use shared::automation::Target;
use shared::conversation::{validate_body, validate_client_id};
use shared::flow::{Answer, Ctx, Effect, Flow, Run, SaveTo};
use shared::site::Language;
use shared::Invalid;
use worker::Response;

use super::{App, Cx};
use crate::auth::VisitorKey;
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::ids::new_id;
use crate::limits::Limit;
use crate::store::{FlowState, Guard, Opening, SavedFlow, SiteRow, Turn, Turned, VisitorRow};

/// The answer names a step the conversation does not wait at (now).
const NOT_WAITING: Invalid = Invalid::new(
    "flow_not_waiting",
    "The chatbot is not waiting at this step: it waits at another, or no longer asks anything.",
);

/// The answer does not fit the step (a button it has not, a text for buttons).
const ANSWER_REFUSED: Invalid = Invalid::new(
    "flow_answer_invalid",
    "This answer does not fit the step: pick one of its buttons, or write the answer to its question.",
);

/// The Form is answered through `POST /api/widget/contact`.
const FORM_ELSEWHERE: Invalid = Invalid::new(
    "flow_form_elsewhere",
    "The chatbot waits for the Form: answer it with POST /api/widget/contact.",
);

/// A conversation's flow, parsed, and where it waits.
struct Running {
    version: u32,
    flow: Flow,
    step: String,
}

/// The conversation's saved flow while it waits at a step (version 0, the
/// chatbot blocks' flow, is run by the blocks' own code and never waits here).
fn running(state: Option<&FlowState>) -> Option<Running> {
    let state = state?;
    let flow = serde_json::from_str(state.flow.as_deref()?).ok()?;
    Some(Running {
        version: state.flow_version.filter(|v| *v > 0)?,
        flow,
        step: state.flow_step.clone()?,
    })
}

/// The run's context: whether someone can answer now (an agent online, the
/// site within its hours), the visitor's Form, the site's language.
fn context(flow: &Flow, language: Language, online: bool, form_done: bool) -> Ctx<'static> {
    Ctx {
        open: online && super::widget::offline_now(flow, now_ms()).is_none(),
        form_done,
        lang: if language == Language::Fr { "fr" } else { "en" },
    }
}

/// What `flow` asks at `step`, as the widget shows it.
pub(super) fn prompt(flow: &Flow, step: &str) -> Option<FlowPrompt> {
    FlowPrompt::of(flow, step)
}

/// The thread read's prompt: what the conversation's saved flow waits for.
pub(super) fn thread_prompt(flow: Option<(u32, String, String)>) -> Option<FlowPrompt> {
    let (version, step, json) = flow?;
    let flow: Flow = serde_json::from_str(&json).ok().filter(|_| version > 0)?;
    prompt(&flow, &step)
}

/// The config's flow: for a saved flow that needs the widget's flow module,
/// its trigger and, when the opening starts it, what the opening shows.
pub(super) fn config_start(site: &SiteRow, flow: &Flow, open: bool) -> Option<api::FlowStart> {
    if site.flow_version.is_none() || !flow.needs_widget_module() {
        return None;
    }
    let opening = flow.opening(Ctx {
        open,
        form_done: false,
        lang: if site.language == Language::Fr {
            "fr"
        } else {
            "en"
        },
    });
    let lines = opening.as_ref().map(said).unwrap_or_default();
    Some(api::FlowStart {
        trigger: flow.trigger.clone(),
        lines,
        wait: opening.and_then(|r| r.wait.as_ref().and_then(|w| prompt(flow, &w.step))),
    })
}

/// The bot's lines of a run.
fn said(run: &Run) -> Vec<String> {
    run.effects
        .iter()
        .filter_map(|e| match e {
            Effect::Say(text) => Some(text.clone()),
            _ => None,
        })
        .collect()
}

/// `POST /api/widget/flow/answers`: the visitor's answer to the step the flow
/// waits at (`{step, choice | text, client_message_id}`). Without a
/// conversation yet, the answer is to the opening's step and makes the
/// conversation with the opening's lines. 201 applied, 200 a retry (nothing
/// stored twice), 409 when the flow does not wait at `step` (a race lost, a
/// step skipped), 400 for an answer that does not fit (nothing written).
pub async fn answer(cx: &mut Cx<'_>, key: VisitorKey) -> ApiResult<Response> {
    let app = cx.app;
    let store = app.store;
    app.limits
        .check(Limit::MessagesPerVisitor, key.visitor_id())
        .await?;
    let input: api::FlowAnswer = read_json(&mut cx.req).await?;
    let client_id = validate_client_id(&input.client_message_id)?;
    let visitor = key.verify(store).await?;
    if visitor.blocked_at.is_some() {
        return Err(ApiError::Forbidden(super::widget::VISITOR_BLOCKED));
    }
    let site = store
        .site(&visitor.site_id)
        .await?
        .ok_or(ApiError::NotFound("Site"))?;
    let (state, online, stored) = store.flow_state(&visitor, Some(client_id)).await?;
    if stored {
        // A retry of an answer already stored: nothing again, and where the flow waits now.
        let flow = running(state.as_ref()).and_then(|r| prompt(&r.flow, &r.step));
        let messages = Vec::new();
        return json(200, &api::FlowAnswered { messages, flow });
    }
    let form_done = visitor.form_submitted_at.is_some();
    let (run_on, opening) = waiting(state.as_ref(), &site, online, form_done)?;
    if input.step != run_on.step {
        return Err(ApiError::Conflict(NOT_WAITING));
    }
    if matches!(
        run_on.flow.step(&run_on.step),
        Some(shared::flow::Step::Form { .. })
    ) {
        return Err(ApiError::Conflict(FORM_ELSEWHERE));
    }
    let given = match (input.choice, input.text.as_deref()) {
        (Some(i), None) => Answer::Choice(i),
        (None, Some(text)) => Answer::Text(validate_body(text)?),
        _ => return Err(ApiError::Invalid(ANSWER_REFUSED)),
    };
    let cx = context(&run_on.flow, site.language, online, form_done);
    let run = run_on
        .flow
        .answer(&run_on.step, given, cx)
        .map_err(|_| ApiError::Invalid(ANSWER_REFUSED))?;
    let conversation = state.as_ref().map(|s| s.id.as_str());
    let answered = (conversation, opening.as_ref(), client_id);
    write_answer(app, &visitor, &run_on, &run, answered).await
}

/// Writes an answer's turn (first the conversation, for an answer to the
/// opening) and answers with what it stored and where the flow waits now.
async fn write_answer(
    app: &App<'_>,
    visitor: &VisitorRow,
    run_on: &Running,
    run: &Run,
    (conversation, opening, client_id): (Option<&str>, Option<&Run>, &str),
) -> ApiResult<Response> {
    let store = app.store;
    let attributes = saved_attributes(app, visitor, run).await?;
    let new_conversation = new_id("c");
    let created_event = new_id("ev");
    let opening = opening.map(|run| Opening {
        conversation: &new_conversation,
        run,
        event_id: &created_event,
    });
    let turn = Turn {
        visitor,
        conversation,
        version: run_on.version,
        guard: Guard::At(&run_on.step),
        run,
        client_message_id: Some(client_id),
        attributes: &attributes,
    };
    let turned = store.flow_turn(&turn, opening.as_ref(), now_ms()).await?;
    let closed = closes(run, turned.applied);
    let status = match (turned.applied, turned.retried) {
        (true, _) => 201,
        (false, true) => 200,
        (false, false) => return Err(ApiError::Conflict(NOT_WAITING)),
    };
    let flow = turned
        .flow_step
        .as_deref()
        .and_then(|step| prompt(&run_on.flow, step));
    let messages = tell(app, turned).await?;
    if closed {
        let id = conversation.unwrap_or(&new_conversation);
        super::csat::ask_chat(app, &visitor.account_id, id).await;
    }
    json(status, &api::FlowAnswered { messages, flow })
}

/// The flow an answer is to and the step it waits at: the conversation's
/// saved flow, or, for a visitor without a conversation, the site's flow that
/// starts on opening (with the opening's run, written with the answer).
fn waiting(
    state: Option<&FlowState>,
    site: &SiteRow,
    online: bool,
    form_done: bool,
) -> ApiResult<(Running, Option<Run>)> {
    if let Some(running) = running(state) {
        return Ok((running, None));
    }
    if state.is_some() {
        return Err(ApiError::Conflict(NOT_WAITING));
    }
    let (version, flow) = site.flow();
    let cx = context(&flow, site.language, online, form_done);
    let opening = flow
        .opening(cx)
        .filter(|_| version > 0)
        .ok_or(ApiError::Conflict(NOT_WAITING))?;
    let step = opening
        .wait
        .as_ref()
        .map(|w| w.step.clone())
        .ok_or(ApiError::Conflict(NOT_WAITING))?;
    Ok((
        Running {
            version,
            flow,
            step,
        },
        Some(opening),
    ))
}

/// The checked attribute values a question's answer saves on the contact
/// (refused, with nothing written, when the attribute's rules refuse it).
async fn saved_attributes(
    app: &App<'_>,
    visitor: &VisitorRow,
    run: &Run,
) -> ApiResult<Vec<(String, Option<Value>)>> {
    let mut given = Vec::new();
    for effect in &run.effects {
        if let Effect::Save {
            to: SaveTo::Attribute { key },
            value,
        } = effect
        {
            given.push((key.clone(), value.clone()));
        }
    }
    if given.is_empty() {
        return Ok(Vec::new());
    }
    super::attributes::checked_answers(app.store, &visitor.account_id, &given).await
}

/// Enqueues a turn's automation deliveries and pushes its messages to the
/// visitor's tabs and the team; answers them.
async fn tell(app: &App<'_>, turned: Turned) -> ApiResult<Vec<api::VisitorMessage>> {
    app.outbox.enqueue(turned.queued).await;
    app.outbox.enqueue_crm(turned.crm_jobs, 0).await;
    for message in &turned.messages {
        super::widget::announce(app, &turned.visitor, message).await;
    }
    Ok(turned.messages)
}

/// Starts a saved flow on the conversation a chat send just made (the
/// visitor's first message): its lines follow the message. A second batch,
/// only for the first message of a conversation on a site that saved a flow
/// (the send's own batch read the flow back).
pub(super) async fn start_after_send(
    app: &App<'_>,
    visitor: &VisitorRow,
    conversation_id: &str,
    saved: SavedFlow,
) -> ApiResult<()> {
    let Ok(flow) = serde_json::from_str::<Flow>(&saved.flow) else {
        return Ok(());
    };
    let form_done = visitor.form_submitted_at.is_some();
    let cx = context(&flow, saved.language, saved.online == 1, form_done);
    let run = flow.start(cx);
    let turn = Turn {
        visitor,
        conversation: Some(conversation_id),
        version: saved.version,
        guard: Guard::Start,
        run: &run,
        client_message_id: None,
        attributes: &[],
    };
    let turned = app.store.flow_turn(&turn, None, now_ms()).await?;
    let closed = closes(&run, turned.applied);
    tell(app, turned).await?;
    if closed {
        super::csat::ask_chat(app, &visitor.account_id, conversation_id).await;
    }
    Ok(())
}

/// Whether a turn that applied closed the conversation (the flow's Close
/// step): the time to ask for its rating, as an agent's close does.
fn closes(run: &Run, applied: bool) -> bool {
    applied && run.effects.contains(&Effect::Close)
}

/// The automations the Form's contact enters (the chatbot blocks' of a site that never saved a flow).
#[derive(Debug, Default)]
pub(super) struct Entered {
    /// A Parley automation (its signed webhook).
    pub webhook: Option<String>,
    /// An ActiveCampaign automation's id.
    pub crm: Option<String>,
}

/// The Form's fields and the automation it enters, as the visitor's
/// conversation runs them: its saved flow's when it waits at its Form (the
/// turn after it enters the automation), else the site's flow (the blocks'
/// automation for a site that never saved a flow, as before).
pub(super) async fn form_of(
    app: &App<'_>,
    visitor: &VisitorRow,
    site: &SiteRow,
) -> ApiResult<(shared::form::FormConfig, Entered, Option<FormTurn>)> {
    let (state, online, _) = app.store.flow_state(visitor, None).await?;
    if let Some(r) = running(state.as_ref()) {
        if let Some(shared::flow::Step::Form { .. }) = r.flow.step(&r.step) {
            let form = r.flow.form();
            let turn = FormTurn {
                conversation: state.map(|s| s.id).unwrap_or_default(),
                running: r,
                online,
            };
            return Ok((form, Entered::default(), Some(turn)));
        }
    }
    let (version, flow) = site.flow();
    let mut entered = Entered::default();
    if version == 0 {
        for step in flow.all_steps() {
            if let shared::flow::Step::EnterAutomation {
                automation_id,
                target,
                ..
            } = step
            {
                let slot = match target {
                    Target::Webhook => &mut entered.webhook,
                    Target::ActiveCampaign => &mut entered.crm,
                };
                slot.get_or_insert_with(|| automation_id.clone());
            }
        }
    }
    Ok((flow.form(), entered, None))
}

/// A conversation whose flow waits at its Form.
pub(super) struct FormTurn {
    conversation: String,
    running: Running,
    online: bool,
}

/// Moves the flow on past its Form once the visitor answered it.
pub(super) async fn after_form(
    app: &App<'_>,
    visitor: &VisitorRow,
    site: &SiteRow,
    form: FormTurn,
) -> ApiResult<()> {
    let r = &form.running;
    let cx = context(&r.flow, site.language, form.online, true);
    let Ok(run) = r.flow.answer(&r.step, Answer::Form, cx) else {
        return Ok(());
    };
    let turn = Turn {
        visitor,
        conversation: Some(&form.conversation),
        version: r.version,
        guard: Guard::At(&r.step),
        run: &run,
        client_message_id: None,
        attributes: &[],
    };
    let turned = app.store.flow_turn(&turn, None, now_ms()).await?;
    let closed = closes(&run, turned.applied);
    tell(app, turned).await?;
    if closed {
        super::csat::ask_chat(app, &visitor.account_id, &form.conversation).await;
    }
    Ok(())
}
