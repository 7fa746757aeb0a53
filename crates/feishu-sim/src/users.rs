//! The people of the simulated tenant who can log in with Feishu.
//!
//! Ids are derived from the seed (and, for `open_id`, the app id) by hashing,
//! so they are stable from run to run and differ between tenants. As on
//! Feishu, `open_id` is per app and `union_id` is the same across one
//! developer's apps.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// `open_id` of the demo admin ("Demo Admin / 演示管理员"), an app admin with
/// an email, in [`crate::SimConfig::default`]'s directory.
pub const DEMO_ADMIN_OPEN_ID: &str = "ou_e0466fb0a64ee3c41b4cc463c5c44311";
/// `open_id` of "Li Lei / 李雷": may use the app, not an admin, has an email.
pub const DEMO_MEMBER_OPEN_ID: &str = "ou_a9b4c10c302e7d04d5264ac200609920";
/// `open_id` of "Han Meimei / 韩梅梅": may use the app, no email, no user_id.
pub const DEMO_NO_EMAIL_OPEN_ID: &str = "ou_7a5bb86ace1bb7dc4856c7fa5d52c3e9";
/// `open_id` of "Wang Fang / 王芳", who may not use the app: exchanging her
/// code answers 20010.
pub const DEMO_NO_ACCESS_OPEN_ID: &str = "ou_7243bcc90cf6d0f7acc32a0ea7550629";

/// A person of the simulated tenant, as `user_info` describes them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SimUser {
    /// Id of the person within this app (`ou_…`): the key to identify people by.
    pub open_id: String,
    /// Id of the person across the developer's apps (`on_…`).
    pub union_id: String,
    /// The tenant's own id for the person, if it has one.
    pub user_id: Option<String>,
    /// Display name.
    pub name: String,
    /// English name.
    pub en_name: String,
    /// Personal email, if any.
    pub email: Option<String>,
    /// Work email, if any.
    pub enterprise_email: Option<String>,
    /// Whether `is_user_admin` answers true for the person.
    pub is_app_admin: bool,
    /// Whether the person may use the app; exchanging a code of someone who
    /// may not answers 20010.
    pub may_use_app: bool,
    /// The tenant the person belongs to, when it is not the simulated tenant
    /// ([`crate::SimConfig::tenant_key`]): a guest of another organisation whom
    /// the app is available to (e.g. a connected partner). `user_info` answers it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant_key: Option<String>,
}

/// A person of another tenant who may use the app, with `email` (whatever address
/// their own tenant gave them: possibly one an admin of this tenant also has).
pub fn demo_guest(seed: u64, app_id: &str, email: &str) -> SimUser {
    let key = "guest";
    SimUser {
        open_id: format!("ou_{}", digest(&[b"open_id", &seed.to_be_bytes(), app_id.as_bytes(), key.as_bytes()], 16)),
        union_id: format!("on_{}", digest(&[b"union_id", &seed.to_be_bytes(), key.as_bytes()], 16)),
        user_id: None,
        name: "访客".to_owned(),
        en_name: "Guest Partner".to_owned(),
        email: Some(email.to_owned()),
        enterprise_email: Some(email.to_owned()),
        is_app_admin: false,
        may_use_app: true,
        tenant_key: Some(demo_tenant_key(seed.wrapping_add(1))),
    }
}

/// The demo directory for a tenant seed and an app: an app admin with an
/// email, a member with an email, a member without email or user_id, and a
/// person who may not use the app, in that order.
pub fn demo_users(seed: u64, app_id: &str) -> Vec<SimUser> {
    let person = |key: &str, name: &str, en_name: &str| SimUser {
        open_id: format!("ou_{}", digest(&[b"open_id", &seed.to_be_bytes(), app_id.as_bytes(), key.as_bytes()], 16)),
        union_id: format!("on_{}", digest(&[b"union_id", &seed.to_be_bytes(), key.as_bytes()], 16)),
        user_id: Some(digest(&[b"user_id", &seed.to_be_bytes(), key.as_bytes()], 4)),
        name: name.to_owned(),
        en_name: en_name.to_owned(),
        email: None,
        enterprise_email: None,
        is_app_admin: false,
        may_use_app: true,
        tenant_key: None,
    };
    vec![
        SimUser {
            email: Some("demo.admin@example.com".to_owned()),
            enterprise_email: Some("demo.admin@corp.example.com".to_owned()),
            is_app_admin: true,
            ..person("demo-admin", "演示管理员", "Demo Admin")
        },
        SimUser { email: Some("li.lei@example.com".to_owned()), ..person("li-lei", "李雷", "Li Lei") },
        SimUser { user_id: None, ..person("han-meimei", "韩梅梅", "Han Meimei") },
        SimUser {
            email: Some("wang.fang@example.com".to_owned()),
            may_use_app: false,
            ..person("wang-fang", "王芳", "Wang Fang")
        },
    ]
}

/// The tenant key for a seed: 16 hex digits.
pub fn demo_tenant_key(seed: u64) -> String {
    digest(&[b"tenant_key", &seed.to_be_bytes()], 8)
}

/// Hex of the first `bytes` bytes of SHA-256 over the length-prefixed parts.
fn digest(parts: &[&[u8]], bytes: usize) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    hasher.finalize()[..bytes].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_constants_name_the_default_directory() {
        let users = demo_users(42, "cli_demo_app");
        let ids: Vec<&str> = users.iter().map(|user| user.open_id.as_str()).collect();
        assert_eq!(ids, [DEMO_ADMIN_OPEN_ID, DEMO_MEMBER_OPEN_ID, DEMO_NO_EMAIL_OPEN_ID, DEMO_NO_ACCESS_OPEN_ID]);
    }

    #[test]
    fn open_ids_depend_on_the_app_union_ids_only_on_the_tenant() {
        let (a, b, other_tenant) = (demo_users(42, "cli_a"), demo_users(42, "cli_b"), demo_users(7, "cli_a"));
        assert_ne!(a[0].open_id, b[0].open_id);
        assert_eq!(a[0].union_id, b[0].union_id);
        assert_ne!(a[0].union_id, other_tenant[0].union_id);
        assert_ne!(demo_tenant_key(42), demo_tenant_key(7));
        assert_eq!(demo_tenant_key(42).len(), 16);
    }
}
