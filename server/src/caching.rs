//! How long browsers keep what the server answers: the built assets whose names carry
//! this build's content hash (`block-insights.<hash>.wasm`, with `hash-files` in the
//! cargo-leptos metadata and `LEPTOS_HASH_FILES=true`) for a year, immutable, since a
//! new build has new names; every other static file is revalidated on each use; pages
//! and data are per person and change, so they are kept privately and revalidated,
//! never served stale. A handler that sets its own `Cache-Control` keeps it.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// A year, the longest `max-age` caches honour.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Kept, but checked with the server before each use.
const REVALIDATE: &str = "no-cache";
/// Pages and data: this person's only, checked before each use.
const PRIVATE: &str = "private, no-cache";

/// The content hashes of this build's assets, read once from cargo-leptos' hash file
/// (`js: …`, `wasm: …`, `css: …` lines) beside the server binary.
#[derive(Clone, Debug, Default)]
pub struct BuildHashes(Arc<Vec<String>>);

impl BuildHashes {
    /// The hashes of `options`' build, or none when files are not hashed.
    pub fn of(options: &leptos::prelude::LeptosOptions) -> Self {
        if !options.hash_files {
            return Self::default();
        }
        let path = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())))
            .unwrap_or_else(|| std::path::PathBuf::from(options.hash_file.as_ref()));
        match std::fs::read_to_string(&path) {
            Ok(text) => Self(Arc::new(parse(&text))),
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "file hashing is on but the hash file is missing: assets are revalidated, not kept");
                Self::default()
            }
        }
    }

    /// Whether `path` names an asset of this build by its hash.
    fn names(&self, path: &str) -> bool {
        let file = path.rsplit('/').next().unwrap_or(path);
        self.0.iter().any(|hash| file.split('.').any(|part| part == hash))
    }
}

fn parse(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(_, hash)| hash.trim().to_owned())
        .filter(|hash| hash.len() >= 8)
        .collect()
}

/// Sets `Cache-Control` where the handler set none.
pub async fn cache_control(State(hashes): State<BuildHashes>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    if response.headers().contains_key(header::CACHE_CONTROL) {
        return response;
    }
    let policy = if !response.status().is_success() && !response.status().is_redirection() {
        REVALIDATE
    } else if path.starts_with("/pkg/") {
        if hashes.names(&path) { IMMUTABLE } else { REVALIDATE }
    } else {
        PRIVATE
    };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_builds_hashed_names_are_immutable() {
        let hashes = BuildHashes(Arc::new(parse("js: 8bS4Xfwbk0U\nwasm: Qe2TbTXXW3A\ncss: uG3iGy0C9Qk\n")));
        assert!(hashes.names("/pkg/block-insights.Qe2TbTXXW3A.wasm"));
        assert!(hashes.names("/pkg/block-insights.uG3iGy0C9Qk.css"));
        assert!(!hashes.names("/pkg/block-insights.wasm"), "an unhashed name may change content");
        assert!(!hashes.names("/pkg/block-insights.OldHash1234.wasm"), "another build's name");
        assert!(!BuildHashes::default().names("/pkg/block-insights.Qe2TbTXXW3A.wasm"));
    }
}
