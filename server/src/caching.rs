//! How long browsers keep what the server answers: the built assets whose names carry
//! this build's content hash (`block-insights.<hash>.wasm`, with `hash-files` in the
//! cargo-leptos metadata and `LEPTOS_HASH_FILES=true`) for a year, immutable, since a
//! new build has new names; every other static file is revalidated on each use; pages
//! and data are per person and change, so they are kept privately and revalidated,
//! never served stale. A handler that sets its own `Cache-Control` keeps it.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// A year, the longest `max-age` caches honour.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Kept, but checked with the server before each use.
const REVALIDATE: &str = "no-cache";
/// Pages and data: this person's only, checked before each use.
const PRIVATE: &str = "private, no-cache";

/// The content hashes of this build's assets ([`app::asset_hashes`]), read once at start.
#[derive(Clone, Debug, Default)]
pub struct BuildHashes(Arc<Vec<String>>);

impl BuildHashes {
    /// The hashes of `options`' build, or none when files are not hashed.
    pub fn of(options: &leptos::prelude::LeptosOptions) -> Self {
        let hashes = app::asset_hashes(options);
        if options.hash_files && hashes.is_empty() {
            tracing::warn!("file hashing is on but the hash file is missing: assets are revalidated, not kept");
        }
        Self::from_hashes(hashes.into_iter().map(|(_, hash)| hash))
    }

    /// Hashes too short to be a content hash are left out: a file part such as `d` in
    /// `block-insights.d.ts` must not pass for one.
    fn from_hashes(hashes: impl IntoIterator<Item = String>) -> Self {
        Self(Arc::new(hashes.into_iter().filter(|hash| hash.len() >= 8).collect()))
    }

    /// Whether `path` names an asset of this build by its hash.
    fn names(&self, path: &str) -> bool {
        let file = path.rsplit('/').next().unwrap_or(path);
        self.0.iter().any(|hash| file.split('.').any(|part| part == hash))
    }
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
        let hashes = BuildHashes::from_hashes(["8bS4Xfwbk0U", "Qe2TbTXXW3A", "uG3iGy0C9Qk", "d"].map(String::from));
        assert!(hashes.names("/pkg/block-insights.Qe2TbTXXW3A.wasm"));
        assert!(hashes.names("/pkg/block-insights.uG3iGy0C9Qk.css"));
        assert!(!hashes.names("/pkg/block-insights.wasm"), "an unhashed name may change content");
        assert!(!hashes.names("/pkg/block-insights.OldHash1234.wasm"), "another build's name");
        assert!(!hashes.names("/pkg/block-insights.d.ts"), "too short to be a hash");
        assert!(!BuildHashes::default().names("/pkg/block-insights.Qe2TbTXXW3A.wasm"));
    }
}
