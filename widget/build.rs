//! Minifies the panel's CSS (src/widget.css) into OUT_DIR for `include_str!`:
//! the readable file stays the source, the wasm carries no layout whitespace.

fn main() {
    println!("cargo:rerun-if-changed=src/widget.css");
    let css = std::fs::read_to_string("src/widget.css").expect("src/widget.css");
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("widget.css");
    std::fs::write(out, minify(&css)).expect("write the minified CSS");
}

/// Collapses whitespace, drops it around `{}:;,>` and drops each rule's last `;`.
/// Enough for this stylesheet: it has no comments and no strings with such characters.
fn minify(css: &str) -> String {
    let words: Vec<&str> = css.split_whitespace().collect();
    let mut out = words.join(" ");
    for c in ["{", "}", ":", ";", ",", ">"] {
        out = out
            .replace(&format!(" {c}"), c)
            .replace(&format!("{c} "), c);
    }
    out.replace(";}", "}")
}
