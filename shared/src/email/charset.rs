//! Decoding 8-bit mail like a browser: bytes a message does not declare (raw
//! 8-bit headers, a text part without a charset, or one that claims UTF-8 or
//! ASCII but is not) are UTF-8 where they are valid UTF-8, and Windows-1252
//! byte by byte where they are not, as WHATWG's encoding standard reads
//! Latin-1. Nothing a legacy client meant becomes U+FFFD.
//!
//! Declared charsets go through mail-parser's decoders (with its
//! `full_encoding` feature, `encoding_rs` for the multi-byte ones): they cover
//! every label `encoding_rs` knows plus UTF-7, which `encoding_rs` lacks
//! (measured by `declared_charsets_cover_encoding_rs_and_utf7` below).

use std::borrow::Cow;

use mail_parser::decoders::base64::base64_decode;
use mail_parser::decoders::quoted_printable::quoted_printable_decode;
use mail_parser::{Encoding, Message, MessagePart, MimeHeaders};

/// Windows-1252's characters for the bytes 0x80 to 0x9F (the rest of the
/// upper half is Latin-1, the same code points as Unicode; WHATWG maps the
/// five unassigned bytes to the C1 controls).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

/// `bytes` as text: valid UTF-8 as it is, every other byte as Windows-1252.
pub fn decode_8bit(bytes: &[u8]) -> Cow<'_, str> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 2);
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        out.extend(chunk.invalid().iter().map(|&b| cp1252(b)));
    }
    Cow::Owned(out)
}

fn cp1252(byte: u8) -> char {
    match byte {
        0x80..=0x9f => CP1252_HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// The message with its header section (up to the first blank line) made
/// valid UTF-8 by [`decode_8bit`]; borrowed when it already is. Only the
/// top-level headers: a body keeps its bytes for its declared charset.
pub fn utf8_headers(raw: &[u8]) -> Cow<'_, [u8]> {
    let end = header_end(raw);
    match decode_8bit(&raw[..end]) {
        Cow::Borrowed(_) => Cow::Borrowed(raw),
        Cow::Owned(headers) => Cow::Owned([headers.as_bytes(), &raw[end..]].concat()),
    }
}

/// Where the header section ends (before its blank line), or the length.
fn header_end(raw: &[u8]) -> usize {
    let mut at = 0;
    while let Some(nl) = raw[at..].iter().position(|&b| b == b'\n') {
        let next = at + nl + 1;
        match raw.get(next..) {
            Some([b'\n', ..]) | Some([b'\r', b'\n', ..]) => return next,
            None | Some([]) => return raw.len(),
            _ => at = next,
        }
    }
    raw.len()
}

/// The text of a text part decoded like a browser, when mail-parser's
/// reading of it lost bytes (U+FFFD) that it had no declared charset for.
pub fn redecoded(message: &Message, part: &MessagePart, decoded: &str) -> Option<String> {
    if !decoded.contains('\u{FFFD}') {
        return None;
    }
    let declared = part
        .content_type()
        .and_then(|ct| ct.attribute("charset"))
        .map(str::to_ascii_lowercase);
    let undeclared = match declared.as_deref() {
        None => true,
        Some(label) => {
            matches!(
                label,
                "utf-8" | "utf8" | "us-ascii" | "ascii" | "unknown-8bit" | "x-unknown" | "8bit"
            ) || mail_parser::decoders::charsets::map::charset_decoder(label.as_bytes()).is_none()
        }
    };
    if !undeclared {
        return None;
    }
    let raw = message
        .raw_message
        .get(part.offset_body as usize..part.offset_end as usize)?;
    let bytes = match part.encoding {
        Encoding::None => Cow::Borrowed(raw),
        Encoding::QuotedPrintable => Cow::Owned(quoted_printable_decode(raw)?),
        Encoding::Base64 => Cow::Owned(base64_decode(raw)?),
    };
    let text = decode_8bit(&bytes);
    Some(text.trim_end_matches(['\r', '\n']).to_string())
}

/// The file name a part gives itself (Content-Disposition `filename`, else
/// Content-Type `name`), with undeclared 8-bit bytes in the part's headers
/// read like the top-level headers (UTF-8 when valid, else Windows-1252)
/// rather than as U+FFFD: only when mail-parser's reading lost bytes, that
/// part's header section alone is decoded and read again.
pub fn attachment_name(message: &Message, part: &MessagePart) -> Option<String> {
    let name = part.attachment_name()?;
    if !name.contains('\u{FFFD}') {
        return Some(name.to_string());
    }
    let raw = message
        .raw_message
        .get(part.offset_header as usize..part.offset_body as usize);
    let reread = raw
        .map(decode_8bit)
        .filter(|headers| matches!(headers, Cow::Owned(_)))
        .and_then(|headers| {
            let message =
                mail_parser::MessageParser::default().parse_headers(headers.as_bytes())?;
            message.root_part().attachment_name().map(str::to_string)
        });
    Some(reread.unwrap_or_else(|| name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_bytes_become_their_characters_and_utf8_stays() {
        assert_eq!(
            decode_8bit(b"Fr\xf6sche \x80 \x93quoted\x94"),
            "Frösche € “quoted”"
        );
        assert_eq!(decode_8bit("Frösche".as_bytes()), "Frösche");
        assert!(matches!(
            decode_8bit("Frösche".as_bytes()),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            decode_8bit(b"caf\xc3\xa9 and caf\xe9"),
            "café and café",
            "valid UTF-8 kept, a stray byte read as 1252"
        );
        assert_eq!(
            decode_8bit(b"\x81\x8d\x8f\x90\x9d"),
            "\u{81}\u{8d}\u{8f}\u{90}\u{9d}"
        );
    }

    #[test]
    fn only_the_header_section_is_rewritten() {
        let raw = b"Subject: Fr\xf6sche\r\nFrom: a@b\r\n\r\nbody \xf6\r\n";
        assert_eq!(
            &*utf8_headers(raw),
            b"Subject: Fr\xc3\xb6sche\r\nFrom: a@b\r\n\r\nbody \xf6\r\n"
        );
        assert!(matches!(
            utf8_headers(b"Subject: x\n\nbody \xff"),
            Cow::Borrowed(_)
        ));
        assert_eq!(header_end(b"A: b\nC: d\n\nbody"), 10);
        assert_eq!(header_end(b"A: b"), 4);
    }

    #[test]
    fn declared_charsets_cover_encoding_rs_and_utf7() {
        use mail_parser::decoders::charsets::map::charset_decoder;
        // Every WHATWG label encoding_rs knows (but UTF-8's, which mail-parser reads natively).
        let labels = [
            "iso-8859-1",
            "latin1",
            "windows-1252",
            "iso-8859-2",
            "iso-8859-5",
            "iso-8859-7",
            "iso-8859-15",
            "koi8-r",
            "koi8-u",
            "windows-1250",
            "windows-1251",
            "windows-1253",
            "windows-1254",
            "windows-1257",
            "ibm866",
            "macintosh",
            "x-mac-cyrillic",
            "shift_jis",
            "sjis",
            "windows-31j",
            "euc-jp",
            "iso-2022-jp",
            "gbk",
            "gb2312",
            "gb18030",
            "big5",
            "big5-hkscs",
            "euc-kr",
            "ks_c_5601-1987",
            "windows-949",
            "utf-16le",
            "utf-16be",
            "windows-874",
            "iso-8859-8-i",
            "iso-8859-6",
            "tis-620",
        ];
        let missing: Vec<_> = labels
            .iter()
            .filter(|l| charset_decoder(l.as_bytes()).is_none())
            .collect();
        assert!(missing.is_empty(), "mail-parser lacks {missing:?}");
        assert!(labels
            .iter()
            .all(|l| encoding_rs::Encoding::for_label(l.as_bytes()).is_some()));
        for utf7 in ["utf-7", "UTF-7", "csUTF7"] {
            assert!(
                encoding_rs::Encoding::for_label(utf7.as_bytes()).is_none(),
                "encoding_rs has no UTF-7"
            );
            assert_eq!(
                charset_decoder(utf7.as_bytes()).expect("mail-parser has UTF-7")(
                    b"Hi Mom -+Jjo--!"
                ),
                "Hi Mom -☺-!"
            );
        }
        let sjis =
            charset_decoder(b"shift_jis").unwrap()(b"\x82\xa0\x82\xe8\x82\xaa\x82\xc6\x82\xa4");
        assert_eq!(
            sjis, "ありがとう",
            "multi-byte charsets decode (full_encoding)"
        );
    }
}
