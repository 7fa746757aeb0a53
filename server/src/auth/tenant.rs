//! Tenant pinning: everyone who signs in must belong to this app's tenant. Feishu
//! reports a person's `tenant_key` in `user_info`; a guest of another organisation
//! whom the app is available to (a connected partner, say) has their own, and must
//! not get in by a matching id or e-mail address.

use std::sync::Arc;

use feishu::{FeishuClient, FeishuError, FeishuUser};
use tokio::sync::OnceCell;

/// This app's tenant: `FEISHU_TENANT_KEY`, else asked of Feishu once (the tenant
/// query) and kept for the life of the process.
#[derive(Clone, Debug, Default)]
pub struct TenantPin {
    configured: Option<String>,
    learned: Arc<OnceCell<String>>,
}

impl TenantPin {
    /// Pinned to `configured` if set, else to what Feishu says on first use.
    pub fn new(configured: Option<String>) -> Self {
        Self { configured, learned: Arc::new(OnceCell::new()) }
    }

    /// This app's `tenant_key`.
    pub async fn key(&self, client: &FeishuClient) -> Result<String, FeishuError> {
        if let Some(key) = &self.configured {
            return Ok(key.clone());
        }
        self.learned.get_or_try_init(|| client.tenant_key()).await.cloned()
    }

    /// Whether `user` belongs to this app's tenant; a person without a `tenant_key`
    /// does not (fail closed).
    pub async fn admits(&self, client: &FeishuClient, user: &FeishuUser) -> Result<bool, FeishuError> {
        let ours = self.key(client).await?;
        Ok(user.tenant_key.as_deref() == Some(ours.as_str()))
    }
}
