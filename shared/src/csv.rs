//! CSV as spreadsheets read it (RFC 4180): cells quoted when they hold a
//! comma, a quote or a line break, quotes doubled, lines ended by CRLF; and
//! safe to open: a text cell a spreadsheet would run as a formula (it starts
//! with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'`
//! (OWASP's advice against CSV injection).

use std::borrow::Cow;

/// One cell, made formula-safe and quoted where needed.
pub fn cell(value: &str) -> Cow<'_, str> {
    let formula = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = value.contains([',', '"', '\n', '\r']);
    if !formula && !quote {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 4);
    if quote {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    for c in value.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quote {
        out.push('"');
    }
    Cow::Owned(out)
}

/// One line of cells, ended by CRLF, appended to `out`.
pub fn line<S: AsRef<str>>(out: &mut String, cells: impl IntoIterator<Item = S>) {
    for (i, value) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&cell(value.as_ref()));
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_cells_stay_as_they_are() {
        assert_eq!(cell("Kit Fern"), "Kit Fern");
        assert_eq!(cell("12"), "12");
        assert_eq!(cell(""), "");
    }

    #[test]
    fn commas_quotes_and_line_breaks_are_quoted_with_quotes_doubled() {
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("cr\r\nlf"), "\"cr\r\nlf\"");
    }

    #[test]
    fn what_a_spreadsheet_would_run_is_prefixed_with_an_apostrophe() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("=1+2"), "'=1+2");
        assert_eq!(cell("+33 1 23"), "'+33 1 23");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("\rx"), "\"'\rx\"");
        assert_eq!(cell("a=b"), "a=b", "only a leading sign runs");
    }

    #[test]
    fn a_line_joins_cells_by_commas_and_ends_with_crlf() {
        let mut out = String::new();
        line(&mut out, ["id", "a,b", "=x"]);
        line(&mut out, Vec::<String>::new());
        assert_eq!(out, "id,\"a,b\",'=x\r\n\r\n");
    }
}
