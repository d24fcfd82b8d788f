//! The one error type of the HTTP API, and its single JSON rendering:
//! `{"error":{"code":"...","message":"..."}}`.

use serde_json::{json, Map, Value};
use shared::attribute::AttributeError;
use shared::flow::FlowError;
use shared::form::FieldErrors;
use shared::Invalid;
use worker::Response;

/// Everything a handler can fail with; each variant maps to one HTTP status.
#[derive(Debug)]
pub enum ApiError {
    /// Input broke a domain rule (400), reported with the rule's own code and message.
    Invalid(Invalid),
    /// Form fields broke their rules (400); each field's rule is listed under `fields`.
    InvalidFields(FieldErrors),
    /// The body was not the JSON this endpoint expects (400).
    MalformedJson(String),
    /// The body was larger than the endpoint accepts (413).
    PayloadTooLarge(usize),
    /// The body was not declared as `application/json` (415).
    UnsupportedMediaType,
    /// A request body without a Content-Length (411): its size cannot be checked before it is read.
    LengthRequired,
    /// An uploaded file is too large (413), with the rule it broke.
    FileTooLarge(Invalid),
    /// An uploaded file is not of a kind accepted here (415), with the rule it broke.
    FileTypeRefused(Invalid),
    /// No valid credentials (401).
    Unauthorized(Invalid),
    /// The caller is known but this is not allowed (403).
    Forbidden(Invalid),
    /// The request conflicts with what is stored (409).
    Conflict(Invalid),
    /// A live socket was asked for without a WebSocket upgrade (426).
    UpgradeRequired,
    /// Nothing is at this path, or it is not visible to the caller (404).
    NotFound(&'static str),
    /// The path exists but not for this method (405).
    MethodNotAllowed,
    /// Too many calls of this kind from this caller (429); retry after this many seconds.
    TooManyRequests(u32),
    /// Well-formed, but refused by a service we checked it with (422), e.g. an API key ActiveCampaign refused.
    Unprocessable(Invalid),
    /// A service we depend on refused (502), e.g. the email binding.
    BadGateway(Invalid),
    /// Something failed on our side (500); the detail is logged, not shown.
    Internal(String),
    /// A contact attribute's value or key was refused (400), naming the attribute under `attribute`.
    InvalidAttribute(AttributeError),
    /// A chatbot flow was refused (400), naming the step at fault under `step` (when a step is).
    InvalidFlow(FlowError),
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::Invalid(_) | ApiError::InvalidFields(_) | ApiError::MalformedJson(_) => 400,
            ApiError::InvalidAttribute(_) => 400,
            ApiError::InvalidFlow(_) => 400,
            ApiError::Forbidden(_) => 403,
            ApiError::Conflict(_) => 409,
            ApiError::Unauthorized(_) => 401,
            ApiError::NotFound(_) => 404,
            ApiError::MethodNotAllowed => 405,
            ApiError::UpgradeRequired => 426,
            ApiError::PayloadTooLarge(_) | ApiError::FileTooLarge(_) => 413,
            ApiError::FileTypeRefused(_) => 415,
            ApiError::UnsupportedMediaType => 415,
            ApiError::LengthRequired => 411,
            ApiError::TooManyRequests(_) => 429,
            ApiError::Unprocessable(_) => 422,
            ApiError::BadGateway(_) => 502,
            ApiError::Internal(_) => 500,
        }
    }

    /// The machine code and the readable message of this error.
    pub fn code_and_message(&self) -> (&'static str, String) {
        match self {
            ApiError::Invalid(rule) | ApiError::Unauthorized(rule) | ApiError::Forbidden(rule) | ApiError::Conflict(rule)
            | ApiError::BadGateway(rule) | ApiError::Unprocessable(rule) | ApiError::FileTooLarge(rule) | ApiError::FileTypeRefused(rule) => {
                (rule.code, rule.message.to_string())
            }
            ApiError::InvalidFields(errors) => match errors.as_slice() {
                [(_, only)] => ("invalid_fields", only.message.to_string()),
                _ => ("invalid_fields", "Some fields need attention; see fields for each.".to_string()),
            },
            ApiError::MalformedJson(detail) => ("malformed_json", format!("The request body is not valid JSON for this endpoint: {detail}.")),
            ApiError::PayloadTooLarge(limit) => ("payload_too_large", format!("The request body is larger than the {limit} bytes this endpoint accepts.")),
            ApiError::UnsupportedMediaType => ("unsupported_media_type", "Send the request body as application/json.".to_string()),
            ApiError::LengthRequired => {
                ("length_required", "Send the request body with a Content-Length header (its size is checked before it is read).".to_string())
            }
            ApiError::NotFound(what) => ("not_found", format!("{what} not found.")),
            ApiError::MethodNotAllowed => ("method_not_allowed", "This method is not allowed on this path.".to_string()),
            ApiError::UpgradeRequired => (
                "upgrade_required",
                "This path is a live socket: open it as a WebSocket (Upgrade: websocket).".to_string(),
            ),
            ApiError::TooManyRequests(seconds) => (
                "rate_limited",
                format!("Too many requests of this kind; nothing was done. Try again in {seconds} seconds."),
            ),
            ApiError::Internal(_) => ("internal", "Something went wrong on our side; nothing was saved. Please try again.".to_string()),
            ApiError::InvalidAttribute(refused) => (refused.code, refused.message.clone()),
            ApiError::InvalidFlow(refused) => (refused.code, refused.message.clone()),
        }
    }

    /// Renders the error as its JSON response (logging internal details).
    pub fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self {
            worker::console_error!("internal error: {detail}");
        }
        let (code, message) = self.code_and_message();
        let mut error = json!({ "code": code, "message": message });
        if let ApiError::InvalidFields(errors) = &self {
            let fields: Map<String, Value> = errors
                .iter()
                .map(|(field, rule)| {
                    (
                        field.as_str().to_string(),
                        json!({ "code": rule.code, "message": rule.message }),
                    )
                })
                .collect();
            error["fields"] = Value::Object(fields);
        }
        if let ApiError::InvalidAttribute(refused) = &self {
            error["attribute"] = Value::String(refused.key.clone());
        }
        if let ApiError::InvalidFlow(FlowError {
            step: Some(step), ..
        }) = &self
        {
            error["step"] = Value::String(step.clone());
        }
        let body = json!({ "error": error });
        match Response::from_json(&body) {
            Ok(mut response) => {
                if let ApiError::TooManyRequests(seconds) = &self {
                    let _ = response
                        .headers_mut()
                        .set("retry-after", &seconds.to_string());
                }
                response.with_status(self.status())
            }
            Err(_) => Response::error("internal error", 500)
                .expect("a plain response can always be built"),
        }
    }
}

impl From<worker::Error> for ApiError {
    fn from(err: worker::Error) -> Self {
        ApiError::Internal(err.to_string())
    }
}

impl From<AttributeError> for ApiError {
    fn from(refused: AttributeError) -> Self {
        ApiError::InvalidAttribute(refused)
    }
}

impl From<Invalid> for ApiError {
    fn from(rule: Invalid) -> Self {
        ApiError::Invalid(rule)
    }
}

impl From<FlowError> for ApiError {
    fn from(refused: FlowError) -> Self {
        ApiError::InvalidFlow(refused)
    }
}
