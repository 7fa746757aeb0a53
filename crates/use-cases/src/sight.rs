//! What a request may see: the one place that decides it, asked by every read of
//! numbers (the page, its exports, the API). An admin (or an admin's API token) sees
//! everything; a viewer sees the scope granted to them ([`domain::scope::Scope`]): the
//! blocks it names, every block named into one of its custom workplaces (by the block
//! names, as they are now: a block named into the workplace later is seen from then on),
//! and those workplaces' own numbers. Tenant-wide totals (all workplaces, the default
//! workplace) and everything else are absent for a viewer, not zero.
//!
//! Which routes a viewer may fetch at all is decided beside the sign-in guard (the
//! server's `paths::open_to_viewers`): reads that restrict themselves here.

use std::collections::BTreeSet;

use domain::{AccessQuery, BlockId, NoteDraft, WorkplaceId};

use crate::error::AppError;
use crate::identity::Viewer;
use crate::workplace_report::WorkplaceMatcher;
use access_data::AccessService;

/// What one request may see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sight {
    /// An admin: everything.
    Everything,
    /// A viewer: these blocks and these custom workplaces, nothing tenant-wide.
    Scope { blocks: BTreeSet<BlockId>, workplaces: BTreeSet<WorkplaceId> },
}

impl Sight {
    /// What `viewer` may see now (the blocks named into its workplaces as named now).
    /// A visitor of a read-only link sees what its maker could, narrowed to the link's
    /// view: its blocks and workplace when it names some.
    pub fn of(service: &AccessService, viewer: &Viewer) -> Sight {
        let maker = Sight::of_scope(service, viewer.scope());
        let Viewer::Visitor { view, .. } = viewer else { return maker };
        let params = crate::view::ViewParams::from_query(view);
        if params.blocks.is_empty() && params.workplace.is_none() {
            return maker;
        }
        // The view's blocks (those named, else those of its workplace, as the page
        // reads them) that its maker sees.
        let mut blocks: BTreeSet<BlockId> = params.blocks.iter().filter_map(|b| BlockId::parse(b).ok()).collect();
        if let Some(workplace) = &params.workplace {
            let on: BTreeSet<BlockId> = blocks_on_workplace(service, workplace).into_iter().collect();
            blocks = if blocks.is_empty() { on } else { blocks.intersection(&on).cloned().collect() };
        }
        blocks.retain(|b| maker.sees_block(b));
        let names = service.workplace_names();
        let workplaces = params
            .workplace
            .and_then(|w| WorkplaceId::parse(&w).ok())
            .filter(|w| names.contains_key(w) && maker.sees_workplace(w))
            .into_iter()
            .collect();
        Sight::Scope { blocks, workplaces }
    }

    /// What a scope sees (`None`: everything): the blocks it names and those named into
    /// its custom workplaces, as named now. A viewer's grant, a link's maker and a chat
    /// digest limited to a scope are seen through it alike.
    pub fn of_scope(service: &AccessService, scope: Option<&domain::scope::Scope>) -> Sight {
        let Some(scope) = scope else { return Sight::Everything };
        let mut blocks: BTreeSet<BlockId> = scope.block_ids.iter().cloned().collect();
        for workplace in &scope.custom_workplace_ids {
            blocks.extend(blocks_on_workplace(service, workplace.as_str()));
        }
        Sight::Scope { blocks, workplaces: scope.custom_workplace_ids.iter().cloned().collect() }
    }

    /// True for an admin.
    pub fn is_everything(&self) -> bool {
        matches!(self, Sight::Everything)
    }

    pub fn sees_block(&self, id: &BlockId) -> bool {
        match self {
            Sight::Everything => true,
            Sight::Scope { blocks, .. } => blocks.contains(id),
        }
    }

    pub fn sees_workplace(&self, id: &WorkplaceId) -> bool {
        match self {
            Sight::Everything => true,
            Sight::Scope { workplaces, .. } => workplaces.contains(id),
        }
    }

    /// Whether a note is seen: an admin sees every note; a viewer the notes of a
    /// workplace they see or of blocks they all see, not the tenant-wide ones.
    pub fn sees_note(&self, note: &NoteDraft) -> bool {
        match (self, &note.custom_workplace_id) {
            (Sight::Everything, _) => true,
            (Sight::Scope { .. }, Some(workplace)) => self.sees_workplace(workplace),
            (Sight::Scope { .. }, None) => !note.block_ids.is_empty() && note.block_ids.iter().all(|id| self.sees_block(id)),
        }
    }

    /// The blocks seen, when not every block is.
    pub fn blocks(&self) -> Option<&BTreeSet<BlockId>> {
        match self {
            Sight::Everything => None,
            Sight::Scope { blocks, .. } => Some(blocks),
        }
    }

    /// Narrows `query` to what is seen: no blocks named (every block) means every block
    /// seen; a block named outside is refused, saying which, so that nobody takes a
    /// partial answer for the whole.
    pub fn narrow(&self, query: &mut AccessQuery) -> Result<(), AppError> {
        let Some(blocks) = self.blocks() else { return Ok(()) };
        if let Some(outside) = query.blocks.iter().find(|id| !blocks.contains(id)) {
            return Err(outside_block(outside));
        }
        if query.blocks.is_empty() {
            if blocks.is_empty() {
                return Err(AppError::Forbidden {
                    message: "no block is in what you may see yet: ask an admin to name blocks into your workplace".into(),
                });
            }
            query.blocks = blocks.iter().cloned().collect();
        }
        Ok(())
    }

    /// Refuses what is tenant-wide (all workplaces, the default workplace) to a viewer.
    pub fn tenant_wide(&self, what: &str) -> Result<(), AppError> {
        match self {
            Sight::Everything => Ok(()),
            Sight::Scope { .. } => Err(AppError::Forbidden {
                message: format!("{what} covers the whole tenant, and your access covers some workplaces and blocks only"),
            }),
        }
    }

    /// Refuses a custom workplace outside the scope.
    pub fn workplace(&self, id: &WorkplaceId) -> Result<(), AppError> {
        if self.sees_workplace(id) {
            Ok(())
        } else {
            Err(AppError::Forbidden {
                message: format!("the custom workplace {id} is not in what you may see: ask an admin to add it to your access"),
            })
        }
    }
}

/// The blocks named into the workplace `text` names (a custom workplace's id or any of
/// its names, or a workplace typed on block names), as named now, by id: what a
/// `workplace=` filter and a viewer's workplace both stand for.
pub(crate) fn blocks_on_workplace(service: &AccessService, text: &str) -> Vec<BlockId> {
    let names = service.workplace_names();
    let matcher = WorkplaceMatcher::new(names.iter().map(|(id, n)| (id, n.as_slice())));
    matcher.blocks_on(text, service.labels().values())
}

/// The refusal of a block outside the scope.
fn outside_block(id: &BlockId) -> AppError {
    AppError::Forbidden {
        message: format!("the block {id} is not in what you may see: leave it out, or ask an admin to add it to your access"),
    }
}
