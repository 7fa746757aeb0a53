mod dashboard;
mod settings;

pub use dashboard::Dashboard;
pub use settings::{DigestsPage, TokensPage, ViewersPage};
