//! Files both ways: a visitor's upload (which is its own chat message),
//! downloads for agents and for the visitor whose thread has the file, and
//! the files of an agent's reply (multipart). Every file is checked on the
//! server by its bytes (size, then sniffed kind) before anything is written,
//! kept in R2 once per site and content, and served as an attachment.

use serde_json::Value;
use shared::api;
use shared::conversation::{validate_body, validate_client_id};
use shared::files::{
    check_upload, content_disposition, object_key, safe_filename, FileType, FILE_TOO_LARGE,
    FILE_TYPE_REFUSED, MAX_UPLOAD_BYTES,
};
use shared::Invalid;
use worker::{Bucket, Conditional, FormEntry, Request, Response};

use super::widget::VISITOR_BLOCKED;
use super::{App, Cx};
use crate::auth::{Agent, VisitorKey};
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::ids::{new_id, NewIds};
use crate::limits::Limit;
use crate::mail::outbound::OutgoingFile;
use crate::store::{NewFile, SentFile, Store, StoredFile, VisitorRow, Written};

/// The site switched files off in its widget settings.
const FILES_OFF: Invalid = Invalid::new(
    "files_disabled",
    "This site does not accept files in the chat.",
);
/// An upload must say which send it is and what the file is called.
const BAD_UPLOAD: Invalid = Invalid::new(
    "invalid_upload",
    "Send the file's bytes as the body, with ?client_message_id= (8 to 64 letters, digits, - or _) and ?name= (its file name).",
);
/// A multipart reply that could not be read.
const BAD_FORM: Invalid = Invalid::new(
    "invalid_form",
    "Send a reply as JSON, or as multipart/form-data with body, channel?, subject?, confirm_unverified? and file parts.",
);
/// An agent's reply carries at most this many files.
pub const MAX_REPLY_FILES: usize = 5;
const TOO_MANY_FILES: Invalid =
    Invalid::new("too_many_files", "A reply can carry at most 5 files.");
/// Larger multipart bodies are refused before they are read: the files plus the form's text.
const MAX_REPLY_BODY: usize = MAX_UPLOAD_BYTES + 64 * 1024;

/// A file checked and ready to keep: its bytes, kind and hash.
pub struct Upload {
    /// The name kept (`safe_filename`).
    pub filename: String,
    /// The type the sender declared.
    pub declared_type: String,
    /// What its bytes are.
    pub kind: FileType,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

impl Upload {
    /// Checks `bytes` (size, then sniffed kind): refused with 413 or 415, nothing written.
    pub fn check(name: Option<&str>, declared_type: &str, bytes: Vec<u8>) -> ApiResult<Upload> {
        let kind = check_upload(&bytes).map_err(|rule| match rule {
            FILE_TOO_LARGE => ApiError::FileTooLarge(rule),
            FILE_TYPE_REFUSED => ApiError::FileTypeRefused(rule),
            rule => ApiError::Invalid(rule),
        })?;
        Ok(Upload {
            filename: safe_filename(name),
            declared_type: declared_type.chars().take(128).collect(),
            kind,
            sha256: shared::digest::sha256_hex(&bytes),
            bytes,
        })
    }

    /// The row to list it under a message.
    pub fn as_new_file(&self) -> NewFile<'_> {
        NewFile {
            filename: Some(&self.filename),
            declared_type: &self.declared_type,
            kind: self.kind,
            size: self.bytes.len() as u64,
            sha256: &self.sha256,
        }
    }

    /// The file as an outgoing email carries it.
    pub fn as_outgoing(&self) -> OutgoingFile<'_> {
        OutgoingFile {
            filename: &self.filename,
            content_type: self.kind.mime(),
            bytes: &self.bytes,
        }
    }

    /// Keeps its bytes in R2 under the site's key for them, unless they are
    /// there already; the key when this call created the object (to forget
    /// it should the write that lists it be refused).
    pub async fn keep(&self, files: &Bucket, site_id: &str) -> ApiResult<Option<String>> {
        let key = object_key(site_id, &self.sha256);
        let only_new = Conditional {
            etag_does_not_match: Some("*".into()),
            ..Conditional::default()
        };
        let created = files
            .put(key.clone(), self.bytes.clone())
            .only_if(only_new)
            .execute()
            .await?;
        Ok(created.map(|_| key))
    }
}

/// Keeps every upload in R2, answering the keys this call created; when one
/// cannot be kept, forgets those already created (no row names them) first.
pub async fn keep_all(
    files: &Bucket,
    store: &Store,
    site_id: &str,
    uploads: &[Upload],
) -> ApiResult<Vec<String>> {
    let mut created = Vec::new();
    for upload in uploads {
        match upload.keep(files, site_id).await {
            Ok(key) => created.extend(key),
            Err(err) => {
                forget_unlisted(files, store, &created).await;
                return Err(err);
            }
        }
    }
    Ok(created)
}

/// Deletes objects a refused write created, except any an attachment row
/// names by now (the same bytes listed by another message): no R2 object is
/// left that no row leads to, and erasure could not find.
pub async fn forget_unlisted(files: &Bucket, store: &Store, created: &[String]) {
    if created.is_empty() {
        return;
    }
    let listed = match store.listed_file_keys(created).await {
        Ok(listed) => listed,
        Err(err) => {
            worker::console_error!(
                "could not check {} refused file(s) before deleting them: {}",
                created.len(),
                err.code_and_message().1
            );
            return;
        }
    };
    for key in created.iter().filter(|k| !listed.contains(k)) {
        if let Err(err) = files.delete(key).await {
            worker::console_error!("could not delete the refused file {key}: {err:?}");
        }
    }
}

/// Refuses a body declared larger than `max`, or of no declared length, before reading it.
fn refuse_declared_over(req: &Request, max: usize) -> ApiResult<()> {
    if crate::http::declared_length(req)? > max {
        return Err(ApiError::FileTooLarge(FILE_TOO_LARGE));
    }
    Ok(())
}

/// `POST /api/widget/files?client_message_id=&name=`: the visitor sends a file
/// (the body's bytes); it becomes a chat message of its own, named after the
/// file. 201 new, 200 when this `client_message_id` was already stored (the
/// file is kept once). Over 10 MB answers 413, a kind not accepted 415, both
/// before anything is written.
pub async fn upload(cx: &mut Cx<'_>, key: VisitorKey) -> ApiResult<Response> {
    let app = cx.app;
    let req = &mut cx.req;
    let store = app.store;
    let visitor = may_upload(app, &key).await?;
    let url = req.url()?;
    let param = |key: &str| {
        url.query_pairs()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
    };
    let client_id = param("client_message_id").ok_or(ApiError::Invalid(BAD_UPLOAD))?;
    let client_id = validate_client_id(&client_id)?;
    let name = param("name").ok_or(ApiError::Invalid(BAD_UPLOAD))?;
    refuse_declared_over(req, MAX_UPLOAD_BYTES)?;
    let declared = req.headers().get("content-type")?.unwrap_or_default();
    let file = Upload::check(Some(&name), &declared, req.bytes().await?)?;
    let created: Vec<String> = file
        .keep(app.files, &visitor.site_id)
        .await?
        .into_iter()
        .collect();

    let token = key.token();
    let new_file = file.as_new_file();
    let sent = store
        .send_visitor_message(
            &token,
            &NewIds::fresh(),
            client_id,
            &file.filename,
            now_ms(),
            Some(SentFile {
                attachment_id: &new_id("at"),
                site_id: &visitor.site_id,
                file: &new_file,
            }),
        )
        .await;
    let sent = sent.and_then(|sent| sent.or_refuse(VISITOR_BLOCKED));
    // Bytes this call put in R2 that no row lists (the write was refused, or
    // this client_message_id named another message already) do not stay.
    if !matches!(sent, Ok((_, (_, Written::Created, _, _)))) {
        forget_unlisted(app.files, store, &created).await;
    }
    let (visitor, (message, written, queued, saved)) = sent?;
    app.outbox.enqueue(queued).await;
    // The visitor's own tabs are told too: the widget shows the file when it arrives.
    let status = if written == Written::Created {
        super::widget::announce(app, &visitor, &message).await;
        if let Some(saved) = saved {
            super::flow_answers::start_after_send(app, &visitor, &message.conversation_id, saved)
                .await?;
        }
        201
    } else {
        200
    };
    json(status, &api::VisitorMessageAnswer { message })
}

/// The visitor behind the key, when they may send a file now: not blocked,
/// files on for the site, within the per-visitor message limit.
async fn may_upload(app: &App<'_>, key: &VisitorKey) -> ApiResult<VisitorRow> {
    let visitor = key.verify(app.store).await?;
    if visitor.blocked_at.is_some() {
        return Err(ApiError::Forbidden(VISITOR_BLOCKED));
    }
    if visitor.files_enabled != 1 {
        return Err(ApiError::Forbidden(FILES_OFF));
    }
    app.limits
        .check(Limit::MessagesPerVisitor, &visitor.id)
        .await?;
    Ok(visitor)
}

/// `GET /api/attachments/{id}`: a file of the account's conversations, for agents.
pub async fn download(cx: &mut Cx<'_>, agent: Agent, id: &str) -> ApiResult<Response> {
    let file = cx
        .app
        .store
        .file_for_agent(&agent.account_id, id)
        .await?
        .ok_or(ApiError::NotFound("Attachment"))?;
    serve(cx.app.files, &file).await
}

/// `GET /api/widget/attachments/{id}`: a file of the visitor's own thread.
pub async fn visitor_download(cx: &mut Cx<'_>, key: VisitorKey, id: &str) -> ApiResult<Response> {
    let visitor = key.verify(cx.app.store).await?;
    let file = cx
        .app
        .store
        .file_for_visitor(&visitor, id)
        .await?
        .ok_or(ApiError::NotFound("Attachment"))?;
    serve(cx.app.files, &file).await
}

/// The file's bytes as an attachment of its sniffed type, never rendered in our origin.
async fn serve(files: &Bucket, file: &StoredFile) -> ApiResult<Response> {
    let object = files
        .get(file.r2_key.as_str())
        .execute()
        .await?
        .ok_or(ApiError::NotFound("Attachment"))?;
    let bytes = object
        .body()
        .ok_or(ApiError::NotFound("Attachment"))?
        .bytes()
        .await?;
    let mut response = Response::from_bytes(bytes)?;
    let headers = response.headers_mut();
    headers.set("content-type", file.kind().mime())?;
    headers.set(
        "content-disposition",
        &content_disposition(file.filename.as_deref().unwrap_or_default()),
    )?;
    for (name, value) in shared::files::FILE_RESPONSE_HEADERS {
        headers.set(name, value)?;
    }
    Ok(response)
}

/// An agent's reply: JSON, or multipart/form-data with `body`, `channel`,
/// `subject`, `confirm_unverified` and up to [`MAX_REPLY_FILES`] `file`
/// parts, each checked like a visitor's upload. A reply of files alone
/// takes their names as its text.
pub async fn read_reply(req: &mut Request) -> ApiResult<(api::Reply, Vec<Upload>)> {
    let content_type = req
        .headers()
        .get("content-type")?
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !content_type.starts_with("multipart/form-data") {
        return Ok((read_json(req).await?, Vec::new()));
    }
    refuse_declared_over(req, MAX_REPLY_BODY)?;
    let form = req
        .form_data()
        .await
        .map_err(|_| ApiError::Invalid(BAD_FORM))?;
    let field = |name: &str| match form.get(name) {
        Some(FormEntry::Field(value)) => Some(value),
        _ => None,
    };
    let mut uploads = Vec::new();
    let mut total = 0;
    for entry in form.get_all("file").unwrap_or_default() {
        let FormEntry::File(file) = entry else {
            return Err(ApiError::Invalid(BAD_FORM));
        };
        if uploads.len() == MAX_REPLY_FILES {
            return Err(ApiError::Invalid(TOO_MANY_FILES));
        }
        total += file.size();
        if total > MAX_UPLOAD_BYTES {
            return Err(ApiError::FileTooLarge(FILE_TOO_LARGE));
        }
        let bytes = file.bytes().await?;
        uploads.push(Upload::check(Some(&file.name()), &file.type_(), bytes)?);
    }
    let mut body = field("body").unwrap_or_default();
    if body.trim().is_empty() && !uploads.is_empty() {
        body = uploads
            .iter()
            .map(|u| u.filename.as_str())
            .collect::<Vec<_>>()
            .join(", ");
    }
    let channel = match field("channel").filter(|c| !c.is_empty()) {
        Some(c) => Some(
            serde_json::from_value(Value::String(c)).map_err(|_| ApiError::Invalid(BAD_FORM))?,
        ),
        None => None,
    };
    let reply = api::Reply {
        body,
        channel,
        subject: field("subject").filter(|s| !s.is_empty()),
        confirm_unverified: field("confirm_unverified").filter(|v| !v.is_empty()),
        cc: field("cc").map(|cc| vec![cc]),
        bcc: field("bcc").map(|bcc| vec![bcc]).unwrap_or_default(),
    };
    validate_body(&reply.body)?;
    Ok((reply, uploads))
}
