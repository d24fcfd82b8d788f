//! Files both ways: what a file is (sniffed from its bytes, never from what
//! the sender declared), which files a visitor may upload, which an inbox may
//! preview, and how a file is named when it is downloaded.
//!
//! Every file is served as an attachment (`Content-Disposition: attachment`)
//! under its sniffed type, with `nosniff` and a sandboxing CSP, so nothing a
//! sender wrote (an SVG, an HTML page) ever runs in our origin.
//!
//! What a file is and which kinds are accepted need no dependency (the inbox's
//! constants are generated from them); sniffing and `Content-Disposition` need
//! the `files` feature.

use crate::Invalid;
#[cfg(feature = "files")]
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Largest file a visitor or an agent may upload: 10 MB.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;

/// Longest file name kept, in characters (the extension is kept when cut).
pub const MAX_FILENAME_CHARS: usize = 120;

/// The name given to a file that came without a usable one.
pub const DEFAULT_FILENAME: &str = "file";

/// An upload over [`MAX_UPLOAD_BYTES`] (413).
pub const FILE_TOO_LARGE: Invalid = Invalid::new("file_too_large", "Files can be at most 10 MB.");

/// An upload whose bytes are not an allowed kind (415).
pub const FILE_TYPE_REFUSED: Invalid = Invalid::new(
    "file_type_refused",
    "Only images (PNG, JPEG, GIF, WebP), PDF and office documents (Word, Excel, PowerPoint, OpenDocument, RTF) can be sent.",
);

/// An empty upload (400).
pub const FILE_EMPTY: Invalid = Invalid::new("file_empty", "The file is empty.");

/// What a file is, by its content. Stored (`attachments.sniffed_type`) and
/// served as its MIME type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    /// PNG image.
    Png,
    /// JPEG image.
    Jpeg,
    /// GIF image.
    Gif,
    /// WebP image.
    Webp,
    /// PDF document.
    Pdf,
    /// Word 97–2003 document.
    Doc,
    /// Word document.
    Docx,
    /// Excel 97–2003 workbook.
    Xls,
    /// Excel workbook.
    Xlsx,
    /// PowerPoint 97–2003 presentation.
    Ppt,
    /// PowerPoint presentation.
    Pptx,
    /// OpenDocument text.
    Odt,
    /// OpenDocument spreadsheet.
    Ods,
    /// OpenDocument presentation.
    Odp,
    /// Rich Text Format.
    Rtf,
    /// Anything else (or unknown): served as `application/octet-stream`.
    Other,
}

impl FileType {
    /// Every kind, in order.
    pub const ALL: [FileType; 16] = [
        FileType::Png,
        FileType::Jpeg,
        FileType::Gif,
        FileType::Webp,
        FileType::Pdf,
        FileType::Doc,
        FileType::Docx,
        FileType::Xls,
        FileType::Xlsx,
        FileType::Ppt,
        FileType::Pptx,
        FileType::Odt,
        FileType::Ods,
        FileType::Odp,
        FileType::Rtf,
        FileType::Other,
    ];

    /// The MIME type it is stored and served as.
    pub fn mime(self) -> &'static str {
        match self {
            FileType::Png => "image/png",
            FileType::Jpeg => "image/jpeg",
            FileType::Gif => "image/gif",
            FileType::Webp => "image/webp",
            FileType::Pdf => "application/pdf",
            FileType::Doc => "application/msword",
            FileType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileType::Xls => "application/vnd.ms-excel",
            FileType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileType::Ppt => "application/vnd.ms-powerpoint",
            FileType::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            FileType::Odt => "application/vnd.oasis.opendocument.text",
            FileType::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            FileType::Odp => "application/vnd.oasis.opendocument.presentation",
            FileType::Rtf => "application/rtf",
            FileType::Other => "application/octet-stream",
        }
    }

    /// The kind stored as this MIME type; `None` for text that is none of them.
    pub fn parse(mime: &str) -> Option<FileType> {
        FileType::ALL.into_iter().find(|t| t.mime() == mime)
    }

    /// Whether the inbox may show it as an image (thumbnail): PNG, JPEG, GIF
    /// and WebP only. SVG is never among them: it is a document that runs script.
    pub fn previewable(self) -> bool {
        matches!(
            self,
            FileType::Png | FileType::Jpeg | FileType::Gif | FileType::Webp
        )
    }

    /// Whether a visitor or an agent may upload it: images, PDF and office documents.
    pub fn uploadable(self) -> bool {
        self != FileType::Other
    }

    /// How a file picker names it in its `accept` list: images and PDF by
    /// MIME type, office documents by extension (their MIME types vary
    /// between systems); `None` for a kind nobody may upload.
    pub fn picker_name(self) -> Option<&'static str> {
        Some(match self {
            FileType::Png | FileType::Jpeg | FileType::Gif | FileType::Webp | FileType::Pdf => {
                self.mime()
            }
            FileType::Doc => ".doc",
            FileType::Docx => ".docx",
            FileType::Xls => ".xls",
            FileType::Xlsx => ".xlsx",
            FileType::Ppt => ".ppt",
            FileType::Pptx => ".pptx",
            FileType::Odt => ".odt",
            FileType::Ods => ".ods",
            FileType::Odp => ".odp",
            FileType::Rtf => ".rtf",
            FileType::Other => return None,
        })
    }

    /// What the bytes are, by their magic numbers (the declared type is never asked).
    #[cfg(feature = "files")]
    pub fn sniff(bytes: &[u8]) -> FileType {
        let Some(found) = infer::get(bytes) else {
            return FileType::Other;
        };
        match found.mime_type() {
            // infer names a few kinds differently from what we serve.
            "text/rtf" => FileType::Rtf,
            mime => FileType::parse(mime).unwrap_or(FileType::Other),
        }
    }
}

/// A file name as Parley keeps and serves it: the last path segment only,
/// without control or bidirectional-override characters (which could make
/// `invoice` + U+202E + `fdp.exe` read as a PDF), without leading dots or surrounding
/// blanks, at most [`MAX_FILENAME_CHARS`] characters keeping the extension,
/// and [`DEFAULT_FILENAME`] when nothing usable is left.
pub fn safe_filename(name: Option<&str>) -> String {
    let name = name.unwrap_or_default();
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .map(|c| {
            if c.is_control() || is_bidi_control(c) {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let cleaned = cleaned.trim_start_matches('.').trim();
    if cleaned.is_empty() {
        return DEFAULT_FILENAME.to_string();
    }
    if cleaned.chars().count() <= MAX_FILENAME_CHARS {
        return cleaned.to_string();
    }
    // Cut the stem, keep a short extension.
    let (stem, ext) = match cleaned.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.chars().count() <= 10 => (stem, Some(ext)),
        _ => (cleaned, None),
    };
    let room = MAX_FILENAME_CHARS - ext.map_or(0, |e| e.chars().count() + 1);
    let mut out: String = stem
        .chars()
        .take(room)
        .collect::<String>()
        .trim_end()
        .to_string();
    if let Some(ext) = ext {
        out.push('.');
        out.push_str(ext);
    }
    out
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}')
}

/// A file picker's `accept` list for uploads: every uploadable kind's [`FileType::picker_name`].
pub fn upload_accept() -> String {
    let names: Vec<&str> = FileType::ALL
        .into_iter()
        .filter(|t| t.uploadable())
        .filter_map(FileType::picker_name)
        .collect();
    names.join(",")
}

/// RFC 5987 `attr-char`: what may stand unescaped in `filename*`.
#[cfg(feature = "files")]
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// The `Content-Disposition` of a download (RFC 6266): always `attachment`,
/// an ASCII `filename` for old clients (other characters, quotes and
/// backslashes as `_`) and the exact name as UTF-8 in `filename*`.
#[cfg(feature = "files")]
pub fn content_disposition(name: &str) -> String {
    let name = safe_filename(Some(name));
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = utf8_percent_encode(&name, ATTR_CHAR);
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// The headers every file response carries besides its type and disposition:
/// the browser may not guess another type, and if it ever renders the file,
/// it does so sandboxed with nothing allowed to load or run, and no cache
/// keeps it (signing out leaves nothing behind).
pub const FILE_RESPONSE_HEADERS: [(&str, &str); 3] = [
    ("x-content-type-options", "nosniff"),
    (
        "content-security-policy",
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    ),
    ("cache-control", "private, no-store"),
];

/// The R2 key of a file's bytes: one object per site and content, so the
/// same bytes (a redelivered mail, a retried upload) are stored once.
pub fn object_key(site_id: &str, sha256_hex: &str) -> String {
    format!("files/{site_id}/{sha256_hex}")
}

/// Checks an upload's size, then its kind: its type, or the rule it broke
/// ([`FILE_TOO_LARGE`], [`FILE_EMPTY`] or [`FILE_TYPE_REFUSED`]).
#[cfg(feature = "files")]
pub fn check_upload(bytes: &[u8]) -> Result<FileType, Invalid> {
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(FILE_TOO_LARGE);
    }
    if bytes.is_empty() {
        return Err(FILE_EMPTY);
    }
    let kind = FileType::sniff(bytes);
    if !kind.uploadable() {
        return Err(FILE_TYPE_REFUSED);
    }
    Ok(kind)
}

#[cfg(all(test, feature = "files"))]
mod tests {
    use super::*;

    const PNG: &[u8] =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    const JPEG: &[u8] = b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0";
    const GIF: &[u8] = b"GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff!";
    const WEBP: &[u8] =
        b"RIFF\x1a\0\0\0WEBPVP8L\x0d\0\0\0/\0\0\0\x10\x07\x10\x11\x11\x88\x88\xfe\x07\0";
    const PDF: &[u8] = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n";

    #[test]
    fn the_file_picker_offers_every_uploadable_kind_and_nothing_else() {
        for kind in FileType::ALL {
            assert_eq!(kind.picker_name().is_some(), kind.uploadable(), "{kind:?}");
        }
        assert_eq!(
            upload_accept(),
            "image/png,image/jpeg,image/gif,image/webp,application/pdf,\
             .doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.rtf"
        );
    }

    #[test]
    fn sniffing_reads_the_bytes_not_the_name() {
        assert_eq!(FileType::sniff(PNG), FileType::Png);
        assert_eq!(FileType::sniff(JPEG), FileType::Jpeg);
        assert_eq!(FileType::sniff(GIF), FileType::Gif);
        assert_eq!(FileType::sniff(WEBP), FileType::Webp);
        assert_eq!(FileType::sniff(PDF), FileType::Pdf);
        assert_eq!(FileType::sniff(b"{\\rtf1\\ansi Hello}"), FileType::Rtf);
        assert_eq!(FileType::sniff(b""), FileType::Other);
        assert_eq!(
            FileType::sniff(b"just some text, no magic"),
            FileType::Other
        );
    }

    #[test]
    fn markup_and_programs_are_never_images_nor_uploadable() {
        let svg = b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
        let html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>";
        let exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0";
        let zip = b"PK\x03\x04\x14\0\0\0\x08\0\0\0!\0";
        for bytes in [&svg[..], &html[..], &exe[..], &zip[..]] {
            let kind = FileType::sniff(bytes);
            assert_eq!(
                kind,
                FileType::Other,
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
            assert_eq!(kind.mime(), "application/octet-stream");
            assert!(!kind.previewable() && !kind.uploadable());
            assert_eq!(check_upload(bytes), Err(FILE_TYPE_REFUSED));
        }
    }

    #[test]
    fn only_raster_images_preview() {
        let previewable: Vec<_> = FileType::ALL
            .into_iter()
            .filter(|t| t.previewable())
            .map(FileType::mime)
            .collect();
        assert_eq!(
            previewable,
            ["image/png", "image/jpeg", "image/gif", "image/webp"]
        );
        for kind in FileType::ALL {
            assert_eq!(
                FileType::parse(kind.mime()),
                Some(kind),
                "the stored name reads back"
            );
        }
        assert_eq!(FileType::parse("image/svg+xml"), None);
    }

    #[test]
    fn uploads_are_checked_for_size_then_kind() {
        assert_eq!(check_upload(PNG), Ok(FileType::Png));
        assert_eq!(check_upload(b""), Err(FILE_EMPTY));
        let mut big = PDF.to_vec();
        big.resize(MAX_UPLOAD_BYTES, b' ');
        assert_eq!(
            check_upload(&big),
            Ok(FileType::Pdf),
            "exactly 10 MB is allowed"
        );
        big.push(b' ');
        assert_eq!(check_upload(&big), Err(FILE_TOO_LARGE));
    }

    #[test]
    fn file_names_lose_paths_controls_and_spoofing() {
        assert_eq!(safe_filename(Some("facture n°1.pdf")), "facture n°1.pdf");
        assert_eq!(
            safe_filename(Some("C:\\Users\\mia\\..\\report.docx")),
            "report.docx"
        );
        assert_eq!(safe_filename(Some("../../etc/passwd")), "passwd");
        assert_eq!(
            safe_filename(Some("a\r\nContent-Type: image\0.png")),
            "a Content-Type: image .png"
        );
        assert_eq!(
            safe_filename(Some("invoice\u{202E}fdp.exe")),
            "invoice fdp.exe"
        );
        assert_eq!(safe_filename(Some(".htaccess")), "htaccess");
        assert_eq!(safe_filename(Some("   ")), DEFAULT_FILENAME);
        assert_eq!(safe_filename(None), DEFAULT_FILENAME);
        assert_eq!(safe_filename(Some("dir/")), DEFAULT_FILENAME);
        let long = format!("{}.pdf", "é".repeat(500));
        let kept = safe_filename(Some(&long));
        assert_eq!(kept.chars().count(), MAX_FILENAME_CHARS);
        assert!(kept.ends_with(".pdf"));
    }

    #[test]
    fn disposition_is_an_attachment_with_a_safe_ascii_and_an_exact_utf8_name() {
        assert_eq!(
            content_disposition("facture n°1.pdf"),
            "attachment; filename=\"facture n_1.pdf\"; filename*=UTF-8''facture%20n%C2%B01.pdf"
        );
        assert_eq!(
            content_disposition("say \"hi\"\\x;.png"),
            "attachment; filename=\"x;.png\"; filename*=UTF-8''x%3B.png",
            "a backslash is a path separator: only the last segment stays"
        );
        assert_eq!(
            content_disposition("a\"b;c.png"),
            "attachment; filename=\"a_b;c.png\"; filename*=UTF-8''a%22b%3Bc.png"
        );
        let header = content_disposition("x\r\nSet-Cookie: a=b.pdf");
        assert!(!header.contains('\r') && !header.contains('\n'), "{header}");
        assert!(header.starts_with("attachment; "));
    }

    #[test]
    fn the_same_bytes_of_a_site_have_one_key() {
        let hash = crate::digest::sha256_hex(PNG);
        assert_eq!(
            object_key("s_1", &hash),
            object_key("s_1", &crate::digest::sha256_hex(PNG))
        );
        assert_ne!(object_key("s_1", &hash), object_key("s_2", &hash));
        assert!(object_key("s_1", &hash).starts_with("files/s_1/"));
    }
}
