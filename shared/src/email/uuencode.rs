//! uuencoded files in a text body (`begin 644 name` … `end`), as old clients
//! and scripts still send them: taken out of the text and kept as attachments,
//! like MIME ones. One pass over the lines; a block without its `end` line,
//! or with a line that is not uuencode, stays text.

/// A file found in the text: its name and decoded bytes.
#[derive(Debug, PartialEq, Eq)]
pub struct UuFile {
    /// The name on the `begin` line.
    pub name: String,
    /// The decoded bytes.
    pub bytes: Vec<u8>,
}

/// The text without its uuencoded blocks, and the files they held (borrowed
/// text when there are none).
pub fn extract(text: &str) -> (std::borrow::Cow<'_, str>, Vec<UuFile>) {
    if !text.contains("begin ") {
        return (text.into(), Vec::new());
    }
    let mut kept = String::with_capacity(text.len());
    let mut files = Vec::new();
    let mut lines = text.split_inclusive('\n').peekable();
    while let Some(line) = lines.next() {
        let Some(name) = begin_name(line) else {
            kept.push_str(line);
            continue;
        };
        let mut bytes = Vec::new();
        let mut block = vec![line];
        let mut ended = false;
        while let Some(&next) = lines.peek() {
            let trimmed = next.trim_end_matches(['\r', '\n']);
            if trimmed == "end" {
                block.push(next);
                lines.next();
                ended = true;
                break;
            }
            if !decode_line(trimmed, &mut bytes) {
                break;
            }
            block.push(next);
            lines.next();
        }
        if ended {
            files.push(UuFile {
                name: name.to_string(),
                bytes,
            });
        } else {
            block.iter().for_each(|l| kept.push_str(l));
        }
    }
    (kept.into(), files)
}

/// The file name of a `begin <mode> <name>` line.
fn begin_name(line: &str) -> Option<&str> {
    let rest = line.trim_end_matches(['\r', '\n']).strip_prefix("begin ")?;
    let (mode, name) = rest.split_once(' ')?;
    let octal = (3..=4).contains(&mode.len()) && mode.bytes().all(|c| (b'0'..=b'7').contains(&c));
    (octal && !name.trim().is_empty()).then(|| name.trim())
}

/// Decodes one uuencoded line into `out`; false when it is not one.
fn decode_line(line: &str, out: &mut Vec<u8>) -> bool {
    let b = line.as_bytes();
    let Some(&first) = b.first() else {
        return false;
    };
    if !(b' '..=b'`').contains(&first) {
        return false;
    }
    let len = usize::from((first - b' ') & 0x3f);
    let chars = &b[1..];
    if chars.iter().any(|c| !(b' '..=b'`').contains(c)) || chars.len() < len.div_ceil(3) * 4 {
        return false;
    }
    let value = |c: u8| u32::from((c - b' ') & 0x3f);
    let start = out.len();
    for group in chars.chunks(4).take(len.div_ceil(3)) {
        let n = group.iter().fold(0u32, |n, &c| (n << 6) | value(c));
        out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
    }
    out.truncate(start + len);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_uuencoded_file_becomes_bytes_and_leaves_the_text() {
        // "Cat" and "Hello, world!\n" as uuencode writes them.
        let text = "Here it is.\n\nbegin 644 hello.txt\n.2&5L;&\\L('=O<FQD(0H`\n`\nend\nBye.\n";
        let (kept, files) = extract(text);
        assert_eq!(kept, "Here it is.\n\nBye.\n");
        assert_eq!(
            files,
            [UuFile {
                name: "hello.txt".into(),
                bytes: b"Hello, world!\n".to_vec()
            }]
        );
    }

    #[test]
    fn text_that_only_looks_like_it_stays() {
        for text in [
            "begin 644 x\nnot uuencode at all\nend\n",
            "begin 644 x\n#0V%T\n",
            "begin at 9 tomorrow\n",
        ] {
            let (kept, files) = extract(text);
            assert_eq!(kept, text);
            assert!(files.is_empty());
        }
    }
}
