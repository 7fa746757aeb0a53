//! Page tokens: opaque strings that carry an offset and are bound to the query
//! (endpoint, from_date, to_date, filter) that produced them, or to the chat
//! list (which has no query to bind to).
//!
//! A token is URL-safe base64 of the offset (8 bytes, big-endian) followed by
//! the first 12 bytes of SHA-256(key ‖ query ‖ offset), with a random key per
//! simulator. Replayed with another query, edited, or taken from another
//! simulator instance, it fails the check and the search answers 1629005.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::endpoints::SimEndpoint;

const TAG_LEN: usize = 12;

/// The query a page token is bound to.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BoundQuery<'a> {
    pub endpoint: SimEndpoint,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The block or custom workplace searched, if one.
    pub filter: Option<&'a str>,
}

/// Issues and checks page tokens with this simulator's key.
#[derive(Debug)]
pub(crate) struct PageTokens {
    key: [u8; 32],
}

impl PageTokens {
    pub fn new() -> Self {
        Self { key: rand::random() }
    }

    /// The token for the page starting at `offset`.
    pub fn issue(&self, query: BoundQuery<'_>, offset: usize) -> String {
        let offset = offset as u64;
        let mut bytes = offset.to_be_bytes().to_vec();
        bytes.extend_from_slice(&self.tag(query, offset));
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The offset a token stands for, if this simulator issued it for `query`.
    pub fn check(&self, query: BoundQuery<'_>, token: &str) -> Option<usize> {
        let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        if bytes.len() != 8 + TAG_LEN {
            return None;
        }
        let (offset, tag) = bytes.split_at(8);
        let offset = u64::from_be_bytes(offset.try_into().ok()?);
        if tag != self.tag(query, offset) {
            return None;
        }
        usize::try_from(offset).ok()
    }

    /// The chat list's token for the page starting at `offset`.
    pub fn issue_chats(&self, offset: usize) -> String {
        let offset = offset as u64;
        let mut bytes = offset.to_be_bytes().to_vec();
        bytes.extend_from_slice(&self.chats_tag(offset));
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The offset a chat list token stands for, if this simulator issued it.
    pub fn check_chats(&self, token: &str) -> Option<usize> {
        let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        if bytes.len() != 8 + TAG_LEN {
            return None;
        }
        let (offset, tag) = bytes.split_at(8);
        let offset = u64::from_be_bytes(offset.try_into().ok()?);
        if tag != self.chats_tag(offset) {
            return None;
        }
        usize::try_from(offset).ok()
    }

    fn chats_tag(&self, offset: u64) -> [u8; TAG_LEN] {
        let mut hasher = Sha256::new();
        hasher.update(self.key);
        hasher.update(b"im/chats|");
        hasher.update(offset.to_be_bytes());
        let digest = hasher.finalize();
        let mut tag = [0u8; TAG_LEN];
        tag.copy_from_slice(&digest[..TAG_LEN]);
        tag
    }

    fn tag(&self, query: BoundQuery<'_>, offset: u64) -> [u8; TAG_LEN] {
        let mut hasher = Sha256::new();
        hasher.update(self.key);
        hasher.update(query.endpoint.name());
        hasher.update(b"|");
        hasher.update(query.from.to_string());
        hasher.update(b"|");
        hasher.update(query.to.to_string());
        hasher.update(b"|");
        match query.filter {
            Some(id) => {
                hasher.update(b"only:");
                hasher.update(id.as_bytes());
            }
            None => hasher.update(b"all"),
        }
        hasher.update(b"|");
        hasher.update(offset.to_be_bytes());
        let digest = hasher.finalize();
        let mut tag = [0u8; TAG_LEN];
        tag.copy_from_slice(&digest[..TAG_LEN]);
        tag
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn token_only_fits_its_own_query() {
        let tokens = PageTokens::new();
        let query =
            BoundQuery { endpoint: SimEndpoint::BlockAccess, from: day("2024-01-01"), to: day("2024-01-31"), filter: None };
        let token = tokens.issue(query, 400);
        assert_eq!(tokens.check(query, &token), Some(400));
        assert_eq!(tokens.check(BoundQuery { from: day("2024-01-02"), ..query }, &token), None);
        assert_eq!(tokens.check(BoundQuery { filter: Some("123"), ..query }, &token), None);
        assert_eq!(
            tokens.check(BoundQuery { endpoint: SimEndpoint::WorkplaceAccess, ..query }, &token),
            None,
            "a token of one endpoint does not fit another"
        );
        assert_eq!(PageTokens::new().check(query, &token), None);
        assert_eq!(tokens.check(query, "ddowkdkl9w2d"), None);
        assert_eq!(tokens.check_chats(&token), None, "a search token does not page the chats");
        assert_eq!(tokens.check(query, &tokens.issue_chats(400)), None);
        assert_eq!(tokens.check_chats(&tokens.issue_chats(20)), Some(20));
    }
}
