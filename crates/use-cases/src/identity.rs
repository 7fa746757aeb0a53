//! Who is asking: a signed-in person or a script with an API token, with what they may
//! see (everything, or a viewer's scope), and what the tokens page shows of a token
//! (never the token itself) and offers as its lifetime.

use domain::scope::Scope;
use serde::{Deserialize, Serialize};

/// Who is looking: a signed-in person, or a script with an API token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Viewer {
    /// A signed-in person: an admin (`scope` empty) may do everything the page offers;
    /// a viewer sees their scope and changes nothing.
    Person {
        name: String,
        #[serde(default)]
        scope: Option<Scope>,
    },
    /// A person of the tenant who opened a read-only link: sees that link's view and
    /// nothing else, changes nothing.
    Visitor {
        name: String,
        /// The link's id.
        link: String,
        /// The link's view, as a query (`?range=30d&workplace=…`).
        view: String,
        /// What the link's maker, a viewer, could see; `None`: an admin's link.
        scope: Option<Scope>,
    },
    /// An API token: reads, and changes block names or chat digests only if created
    /// with that right.
    Script {
        name: String,
        can_write_names: bool,
        #[serde(default)]
        can_manage_digests: bool,
        /// A viewer's token: their scope, as it is now; `None`: an admin's token.
        #[serde(default)]
        scope: Option<Scope>,
    },
}

impl Viewer {
    /// An admin (by the allowlist), with everything to see.
    pub fn admin(name: impl Into<String>) -> Self {
        Viewer::Person { name: name.into(), scope: None }
    }

    /// What a person with a scope may see (a viewer's, or the maker's of the link a
    /// visitor opened); `None` for an admin and an admin's token. A visitor's view is
    /// narrower still ([`crate::sight`] decides).
    pub fn scope(&self) -> Option<&Scope> {
        match self {
            Viewer::Person { scope, .. } | Viewer::Visitor { scope, .. } | Viewer::Script { scope, .. } => scope.as_ref(),
        }
    }

    /// A signed-in admin (not a viewer, not a script): who manages the dashboard's
    /// settings (API tokens, grants).
    pub fn is_admin_person(&self) -> bool {
        matches!(self, Viewer::Person { scope: None, .. })
    }

    /// Who made a change, as the records name them: the person's name, or `API token <name>`.
    pub fn actor(&self) -> String {
        match self {
            Viewer::Person { name, .. } | Viewer::Visitor { name, .. } => name.clone(),
            Viewer::Script { name, .. } => format!("API token {name}"),
        }
    }

    /// Whether this viewer may change block names (and notes): every signed-in admin
    /// may, a viewer may not; an API token only when it was created with that right.
    pub fn can_write_names(&self) -> bool {
        match self {
            Viewer::Person { scope, .. } => scope.is_none(),
            Viewer::Visitor { .. } => false,
            Viewer::Script { can_write_names, scope, .. } => *can_write_names && scope.is_none(),
        }
    }

    /// Whether this viewer may change chat digests and send test digests: every
    /// signed-in admin may; an API token only when it was created with that right (a
    /// right of its own: changing names does not include sending cards to chats).
    pub fn can_manage_digests(&self) -> bool {
        match self {
            Viewer::Person { scope, .. } => scope.is_none(),
            Viewer::Visitor { .. } => false,
            Viewer::Script { can_manage_digests, scope, .. } => *can_manage_digests && scope.is_none(),
        }
    }
}

/// A read-only link as the API and the page show it ([`crate::share_links`] on the
/// server).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkInfo {
    pub id: String,
    /// The address to hand out.
    pub url: String,
    /// The view it shows, as the dashboard's address (`/?range=30d&workplace=…`).
    pub path: String,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub revoked: bool,
    pub expired: bool,
    pub opens: u64,
}

/// How long a read-only link lasts unless its maker says otherwise, in days.
pub const DEFAULT_LINK_DAYS: u32 = 30;

/// The lifetimes a read-only link may be made with from the page, in days.
pub const LINK_LIFETIMES: [u32; 4] = [7, 30, 90, 365];

/// An API token as the page lists it: never the token itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub id: String,
    pub name: String,
    pub created_by: String,
    /// RFC 3339.
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked: bool,
    /// May change block names, not only read them.
    pub can_write_names: bool,
    /// May change chat digests and send test digests.
    pub can_manage_digests: bool,
    /// When it stops working (`YYYY-MM-DD HH:MM UTC`); `None`: never.
    pub expires_at: Option<String>,
    /// It has expired.
    pub expired: bool,
    /// It was made before tokens recorded their creator, and no longer works.
    pub legacy: bool,
}

/// The lifetimes an API token may be created with, in days; `never` is offered too.
pub const TOKEN_LIFETIMES: [u32; 4] = [30, 90, 180, 365];

/// The lifetime a new token gets when none is chosen, in days.
pub const DEFAULT_TOKEN_DAYS: u32 = 90;

/// A token's lifetime as the tokens form posts it: a number of days from 1 to 3650,
/// `never`, or nothing for [`DEFAULT_TOKEN_DAYS`]. `None`: it never expires.
pub fn token_lifetime(posted: &str) -> Result<Option<u32>, String> {
    match posted.trim() {
        "" => Ok(Some(DEFAULT_TOKEN_DAYS)),
        "never" => Ok(None),
        days => days.parse::<u32>().ok().filter(|d| (1..=3650).contains(d)).map(Some).ok_or_else(|| {
            let shown: String = days.chars().take(20).collect();
            format!("expires={shown:?} is not a lifetime: choose a number of days from 1 to 3650, or never")
        }),
    }
}
