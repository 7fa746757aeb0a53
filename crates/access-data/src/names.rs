//! The names registry: the names admins gave blocks (kept in the store, read again from a
//! store shared by several replicas) and the custom workplaces' names as Feishu last gave
//! them. What an answer is shown with; nothing here calls Feishu.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use domain::{BlockId, WorkplaceId};
use store::{BlockLabel, Store, WorkplaceNames};

use crate::ServiceError;
use crate::dataset::SeenNames;

/// The block and workplace names of one service.
pub(crate) struct Names {
    store: Store,
    /// The names, replaced whole on every change: a query takes the current map
    /// without copying it.
    labels: RwLock<Arc<BTreeMap<BlockId, BlockLabel>>>,
    /// Counts the changes of `labels`: what was built with one version of the names is
    /// stale once it moves on.
    labels_version: AtomicU64,
    /// The custom workplaces' names as Feishu last gave them, replaced whole on change.
    workplace_names: RwLock<Arc<BTreeMap<WorkplaceId, WorkplaceNames>>>,
}

impl Names {
    /// The names the store holds.
    pub async fn load(store: Store) -> Result<Self, ServiceError> {
        let labels = store.block_labels().await?.into_iter().map(|l| (l.block_id.clone(), l)).collect();
        let workplace_names = store.workplace_names().await?;
        Ok(Self {
            store,
            labels: RwLock::new(Arc::new(labels)),
            labels_version: AtomicU64::new(0),
            workplace_names: RwLock::new(Arc::new(workplace_names)),
        })
    }

    /// With a store shared by several replicas, reads the block names again, so that
    /// what an answer is shown with includes names given on other replicas.
    pub async fn take_in_shared(&self) {
        if !self.store.is_shared() {
            return;
        }
        match self.store.block_labels().await {
            Ok(labels) => {
                let labels: BTreeMap<BlockId, BlockLabel> = labels.into_iter().map(|l| (l.block_id.clone(), l)).collect();
                let mut held = self.labels.write().expect("labels lock");
                if **held != labels {
                    *held = Arc::new(labels);
                    self.labels_version.fetch_add(1, Ordering::Relaxed);
                }
            }
            Err(error) => tracing::warn!(%error, "could not read the block names; showing the ones known here"),
        }
    }

    /// A number that changes whenever the names do (here, or read from a shared store).
    pub fn labels_version(&self) -> u64 {
        self.labels_version.load(Ordering::Relaxed)
    }

    /// The names admins gave blocks, by block id.
    pub fn labels(&self) -> Arc<BTreeMap<BlockId, BlockLabel>> {
        Arc::clone(&self.labels.read().expect("labels lock"))
    }

    /// Names (or renames) a block; the name is checked and saved before it is shown.
    pub async fn set_label(&self, label: &BlockLabel) -> Result<BlockLabel, ServiceError> {
        let saved = self.store.set_block_label(label).await?;
        Arc::make_mut(&mut self.labels.write().expect("labels lock")).insert(saved.block_id.clone(), saved.clone());
        self.labels_version.fetch_add(1, Ordering::Relaxed);
        Ok(saved)
    }

    /// Names (or renames) many blocks at once, all or none, in one transaction of the
    /// store; the saved names are shown from then on.
    pub async fn set_labels(&self, labels: &[BlockLabel]) -> Result<Vec<BlockLabel>, ServiceError> {
        let saved = self.store.apply_block_labels(labels).await?;
        let mut held = self.labels.write().expect("labels lock");
        let map = Arc::make_mut(&mut held);
        for label in &saved {
            map.insert(label.block_id.clone(), label.clone());
        }
        self.labels_version.fetch_add(1, Ordering::Relaxed);
        Ok(saved)
    }

    /// Forgets a block's name; true when there was one.
    pub async fn remove_label(&self, id: &BlockId) -> Result<bool, ServiceError> {
        let removed = self.store.remove_block_label(id).await?;
        Arc::make_mut(&mut self.labels.write().expect("labels lock")).remove(id);
        self.labels_version.fetch_add(1, Ordering::Relaxed);
        Ok(removed)
    }

    /// The blocks of `seen` (in fetched data) and every named block, sorted by id.
    pub fn known_blocks(&self, seen: Vec<BlockId>) -> Vec<BlockId> {
        let mut ids: BTreeSet<BlockId> = seen.into_iter().collect();
        ids.extend(self.labels.read().expect("labels lock").keys().cloned());
        ids.into_iter().collect()
    }

    /// The custom workplaces' names by language, as Feishu last gave them.
    pub fn workplace_names(&self) -> Arc<BTreeMap<WorkplaceId, WorkplaceNames>> {
        Arc::clone(&self.workplace_names.read().expect("workplace names lock"))
    }

    /// Takes in the custom workplace names an answer carried; the changed ones are
    /// shown at once and saved for the next start.
    pub async fn learn_workplace_names(&self, seen: SeenNames) {
        let changed: SeenNames = {
            let known = self.workplace_names.read().expect("workplace names lock");
            seen.into_iter().filter(|(id, names)| known.get(id) != Some(names)).collect()
        };
        if changed.is_empty() {
            return;
        }
        {
            let mut known = self.workplace_names.write().expect("workplace names lock");
            let known = Arc::make_mut(&mut known);
            known.extend(changed.iter().map(|(id, names)| (id.clone(), names.clone())));
        }
        if let Err(error) = self.store.save_workplace_names(&changed).await {
            tracing::warn!(%error, "could not save the custom workplace names; they are shown, and saved with the next answer");
        }
    }
}
