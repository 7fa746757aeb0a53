//! Escaping text for HTML and deciding which link targets may become `href`s.

/// Escapes text for element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

/// Appends `text` to `out`, escaped as [`escape`] does.
pub(crate) fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// The link target if it may be followed from a card: `http:`, `https:` or a
/// relative reference (no scheme). Everything else (`javascript:`, `data:`,
/// `mailto:`, Feishu's own `lark://` applinks …) is refused, and so is any
/// target with whitespace or control characters inside, which browsers strip
/// before reading the scheme (`java\tscript:`).
pub(crate) fn safe_url(raw: &str) -> Option<&str> {
    let url = raw.trim();
    if url.is_empty() || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return None;
    }
    // A scheme is what comes before the first ':' when no '/', '?' or '#' comes first.
    let scheme_end = url.find([':', '/', '?', '#']);
    match scheme_end {
        Some(end) if url[end..].starts_with(':') => {
            let scheme = &url[..end];
            (scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")).then_some(url)
        }
        _ => Some(url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_and_relative_links_are_kept() {
        for good in ["https://example.com/a?b=1", "HTTP://x.test", "/insights?from=1", "page.html", "#top", "//cdn.test/x"] {
            assert_eq!(safe_url(good), Some(good), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,<script>",
            "vbscript:x",
            "mailto:a@b.test",
            "lark://applink",
            "",
        ] {
            assert_eq!(safe_url(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn markup_is_neutralised() {
        assert_eq!(escape(r#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }
}
