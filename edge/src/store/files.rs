//! SQL of files: attachment rows (their bytes kept in R2 under
//! `shared::files::object_key`), a thread's files, and who may download one:
//! agents of the account, or the visitor whose chat it is in; and whether a
//! row still names an R2 object a refused write put there.

use serde::Deserialize;
use shared::api;
use shared::files::{object_key, FileType};
use worker::D1PreparedStatement;

use super::batch::Args;
use super::VisitorRow;
use super::{ms, opt, Store};
use crate::error::ApiResult;

/// A file about to be stored with a message (its bytes already in R2).
#[derive(Debug)]
pub struct NewFile<'a> {
    /// The file name as kept (`shared::files::safe_filename`).
    pub filename: Option<&'a str>,
    /// The type the sender declared.
    pub declared_type: &'a str,
    /// What its bytes are.
    pub kind: FileType,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of its bytes, hex.
    pub sha256: &'a str,
}

/// A file a caller may download: where its bytes are and how to serve them.
#[derive(Debug, Deserialize)]
pub struct StoredFile {
    /// The R2 key of its bytes.
    pub r2_key: String,
    /// Its name, if it has one.
    pub filename: Option<String>,
    /// Its sniffed type (`FileType` as MIME), if kept since migration 0012.
    pub sniffed_type: Option<String>,
}

impl StoredFile {
    /// The type it is served as: the sniffed one, else `application/octet-stream`.
    pub fn kind(&self) -> FileType {
        self.sniffed_type
            .as_deref()
            .and_then(FileType::parse)
            .unwrap_or(FileType::Other)
    }
}

/// The columns of an attachment as agents list it.
#[derive(Debug, Deserialize)]
struct AttachmentRow {
    id: String,
    message_id: String,
    filename: Option<String>,
    content_type: String,
    sniffed_type: Option<String>,
    size: u64,
    r2_key: Option<String>,
}

impl From<AttachmentRow> for api::Attachment {
    fn from(r: AttachmentRow) -> Self {
        let kind = r.sniffed_type.as_deref().and_then(FileType::parse);
        api::Attachment {
            url: r
                .r2_key
                .as_ref()
                .map(|_| format!("/api/attachments/{}", r.id)),
            preview: r.r2_key.is_some() && kind.is_some_and(FileType::previewable),
            content_type: kind
                .map(|k| k.mime().to_string())
                .unwrap_or_else(|| r.content_type.clone()),
            declared_type: r.content_type,
            id: r.id,
            message_id: r.message_id,
            filename: r.filename,
            size: r.size,
        }
    }
}

/// The files a visitor may download: in a chat of theirs (or, once verified,
/// of the contact's verified browsers), email ones only when verified; a
/// message a merge moved counts in the chat it was written in.
/// Binds `?1` = attachment id, `?2` = visitor id, `?3` = verified contact or NULL.
const VISITOR_FILE: &str = "SELECT f.r2_key, f.filename, f.sniffed_type FROM attachments f \
     JOIN messages m ON m.id = f.message_id JOIN conversations c ON c.id = COALESCE(m.merged_from, m.conversation_id) \
     WHERE f.id = ?1 AND f.r2_key IS NOT NULL AND c.channel = 'chat' \
       AND (c.visitor_id = ?2 OR c.visitor_id IN \
            (SELECT id FROM visitors WHERE ?3 IS NOT NULL AND contact_id = ?3 AND contact_verified = 1)) \
       AND (?3 IS NOT NULL OR m.email_message_id IS NULL)";

impl Store {
    /// The statement, within a caller's batch, that lists `file` under the
    /// message `message_id` of `site_id`, only if that message exists (so a
    /// retry, whose message was not written, adds no row).
    pub(super) fn attachment_insert(
        &self,
        id: &str,
        message_id: &str,
        site_id: &str,
        file: &NewFile<'_>,
    ) -> ApiResult<D1PreparedStatement> {
        self.prepare(
            "INSERT INTO attachments (id, message_id, filename, content_type, size, r2_key, sniffed_type, sha256) \
             SELECT ?1, id, ?3, ?4, ?5, ?6, ?7, ?8 FROM messages WHERE id = ?2",
            &[
                id.into(),
                message_id.into(),
                opt(file.filename),
                file.declared_type.into(),
                ms(file.size),
                object_key(site_id, file.sha256).into(),
                file.kind.mime().into(),
                file.sha256.into(),
            ],
        )
    }

    /// The attachments of every message of a conversation.
    pub async fn attachments(&self, conversation_id: &str) -> ApiResult<Vec<api::Attachment>> {
        let rows: Vec<AttachmentRow> = self
            .all(
                "SELECT a.id, a.message_id, a.filename, a.content_type, a.sniffed_type, a.size, a.r2_key FROM attachments a \
                 JOIN messages m ON m.id = a.message_id WHERE m.conversation_id = ?1 ORDER BY a.rowid",
                &[conversation_id.into()],
            )
            .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// The statements listing `files` under a message of `site_id`, and the
    /// attachments as agents will read them, for the message just written.
    pub(super) fn attachments_of(
        &self,
        message_id: &str,
        site_id: &str,
        files: &[(String, NewFile<'_>)],
    ) -> ApiResult<(Vec<D1PreparedStatement>, Vec<api::Attachment>)> {
        let mut statements = Vec::with_capacity(files.len());
        let mut listed = Vec::with_capacity(files.len());
        for (id, file) in files {
            statements.push(self.attachment_insert(id, message_id, site_id, file)?);
            listed.push(api::Attachment::from(AttachmentRow {
                id: id.clone(),
                message_id: message_id.to_string(),
                filename: file.filename.map(String::from),
                content_type: file.declared_type.to_string(),
                sniffed_type: Some(file.kind.mime().to_string()),
                size: file.size,
                r2_key: Some(object_key(site_id, file.sha256)),
            }));
        }
        Ok((statements, listed))
    }

    /// A kept file of a message of the account's sites, for an agent.
    pub async fn file_for_agent(
        &self,
        account_id: &str,
        attachment_id: &str,
    ) -> ApiResult<Option<StoredFile>> {
        self.first(
            "SELECT f.r2_key, f.filename, f.sniffed_type FROM attachments f JOIN messages m ON m.id = f.message_id \
             JOIN sites s ON s.id = m.site_id WHERE f.id = ?1 AND s.account_id = ?2 AND f.r2_key IS NOT NULL",
            &[attachment_id.into(), account_id.into()],
        )
        .await
    }

    /// A kept file of the visitor's own thread (see [`VISITOR_FILE`]).
    pub async fn file_for_visitor(
        &self,
        visitor: &VisitorRow,
        attachment_id: &str,
    ) -> ApiResult<Option<StoredFile>> {
        self.first(
            VISITOR_FILE,
            &[
                attachment_id.into(),
                visitor.id.as_str().into(),
                opt(visitor.verified_contact()),
            ],
        )
        .await
    }

    /// The R2 keys of the files of contact `contact_id`'s messages that no
    /// other message shares (the same bytes are kept once per site): what
    /// erasing the contact deletes from R2.
    pub async fn contact_file_keys(&self, contact_id: &str) -> ApiResult<Vec<String>> {
        #[derive(Deserialize)]
        struct Key {
            r2_key: String,
        }
        let mine = super::privacy::CONTACT_MESSAGES;
        let sql = format!(
            "SELECT DISTINCT f.r2_key FROM attachments f WHERE f.r2_key IS NOT NULL AND f.message_id IN ({mine}) \
             AND NOT EXISTS (SELECT 1 FROM attachments g WHERE g.r2_key = f.r2_key AND g.message_id NOT IN ({mine}))"
        );
        Ok(self
            .all::<Key>(&sql, &[contact_id.into()])
            .await?
            .into_iter()
            .map(|k| k.r2_key)
            .collect())
    }

    /// Of `keys`, those some attachment row names (bytes another message
    /// listed meanwhile stay; the others can go).
    pub async fn listed_file_keys(&self, keys: &[String]) -> ApiResult<Vec<String>> {
        #[derive(Deserialize)]
        struct Key {
            r2_key: String,
        }
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut args = Args::new();
        let marks = keys
            .iter()
            .map(|k| args.bind(k.as_str()).to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("SELECT DISTINCT r2_key FROM attachments WHERE r2_key IN ({marks})");
        Ok(self
            .all::<Key>(&sql, args.values())
            .await?
            .into_iter()
            .map(|k| k.r2_key)
            .collect())
    }

    /// Whether a message row names the original kept under `raw_key`.
    pub async fn original_listed(&self, raw_key: &str) -> ApiResult<bool> {
        let found = self
            .first::<serde_json::Value>(
                "SELECT 1 AS found FROM messages WHERE raw_key = ?1 LIMIT 1",
                &[raw_key.into()],
            )
            .await?;
        Ok(found.is_some())
    }
}
