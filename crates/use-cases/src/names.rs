//! Block names: one name given from the page, every name as saved, and an import of
//! many planned against them and saved all or nothing.

use access_data::BlockLabel;
use domain::{BlockId, ImportFormat};

use crate::dashboard::bad_input;
use crate::error::AppError;
use crate::report::NamesImport;
use crate::state::AppState;

/// Names a block; an empty name removes its name.
pub async fn save_block_name(state: &AppState, block_id: &str, name: String, workplace: String) -> Result<(), AppError> {
    let block_id = BlockId::parse(block_id).map_err(bad_input)?;
    if name.trim().is_empty() {
        state.service.remove_label(&block_id).await?;
        return Ok(());
    }
    let workplace = Some(workplace).filter(|w| !w.trim().is_empty());
    state.service.set_label(&BlockLabel { block_id, name, workplace }).await?;
    Ok(())
}

/// Every block name as saved, sorted by block id: read from the store rather than
/// the service's copy, so that with several replicas an export or an import plan
/// sees names given on any of them.
pub async fn saved_names(state: &AppState) -> Result<Vec<BlockLabel>, AppError> {
    Ok(state.service.store().block_labels().await?)
}

/// The saved names of the blocks `sight` sees, sorted by block id.
pub async fn seen_names(state: &AppState, sight: &crate::sight::Sight) -> Result<Vec<BlockLabel>, AppError> {
    let mut names = saved_names(state).await?;
    names.retain(|label| sight.sees_block(&label.block_id));
    Ok(names)
}

/// Plans an import (`input` in `format`) against the names saved now and, when
/// `save` is asked and no line is refused, saves every change in one transaction.
/// The page's import and `PUT /api/v1/block-names` both come here. A whole input
/// refused (empty, too many lines, not JSON) is `ImportRefused`.
pub async fn import_names(state: &AppState, input: &str, format: ImportFormat, save: bool) -> Result<NamesImport, AppError> {
    let current = saved_names(state).await?.into_iter().map(|l| (l.block_id.clone(), l)).collect();
    let plan = domain::plan_import(input, format, &current).map_err(|e| AppError::ImportRefused { message: e.to_string() })?;
    let saved = save && plan.refused.is_empty();
    if saved {
        let labels = plan.labels_to_save();
        // The store failed mid-import: it is all or nothing, so the caller learns that
        // none of it was saved, and may send it again.
        state.service.set_labels(&labels).await.map_err(|error| AppError::from(error).into_not_saved("the names"))?;
        tracing::info!(saved = labels.len(), counts = ?plan.counts(), "block names imported");
    }
    Ok(NamesImport { plan, saved })
}
