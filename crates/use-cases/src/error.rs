//! The error a page or script sees: what happened and what to do, never a secret or a
//! stack of internal causes (those go to the server log).

use chrono::NaiveDate;
pub use domain::WaitedFor;
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A failure as shown to a person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The request itself is wrong; the message says which part and how to fix it.
    #[error("{message}")]
    BadInput { message: String },
    /// Feishu refused or failed; `advice` says what the admin can do about it.
    #[error("Feishu: {message}")]
    Feishu { code: Option<i64>, message: String, advice: String },
    /// The month's Feishu calls are used up (the configured quota, or Feishu answered
    /// 99991403) and the view needs days not fetched before. The page words it in its
    /// own language from the numbers; `message` is the service's English sentence.
    #[error("{message}")]
    QuotaReached { used: u64, limit: Option<u64>, refused_by_feishu: bool, resets_on: NaiveDate, message: String },
    /// The numbers did not come within the server's deadline; `waited_for` says what
    /// for. The fetch goes on on the server, so trying again soon usually answers.
    #[error("{message}")]
    Deadline { seconds: u64, waited_for: WaitedFor, message: String },
    /// Something failed on our side; the details are in the server log.
    #[error("{message}")]
    Internal { message: String },
    /// The call to the server did not complete (network, decoding).
    #[error("the server could not be reached: {message}")]
    Transport { message: String },
}

impl AppError {
    /// The sentence that tells the reader what to do next, when there is one.
    pub fn advice(&self) -> Option<&str> {
        match self {
            AppError::Feishu { advice, .. } if !advice.is_empty() => Some(advice),
            AppError::Deadline { .. } => {
                Some("The fetch goes on in the background: try again in a minute. If it keeps happening, check the connection to Feishu.")
            }
            AppError::Internal { .. } => Some("Try again; if it keeps failing, the server log has the cause."),
            AppError::Transport { .. } => Some("Check the connection to the dashboard and try again."),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let unreadable = |detail: &str| AppError::BadInput {
            message: format!("the request could not be read ({detail}): reload the page and try again"),
        };
        match value {
            // The call's arguments cannot be read: the request is at fault, not the
            // connection. The server reports a body that does not decode as
            // `Deserialization` (the variant the browser uses for answers it cannot read).
            ServerFnErrorErr::Args(detail) => unreadable(&detail),
            ServerFnErrorErr::MissingArg(name) => unreadable(&format!("missing argument {name}")),
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(detail) => unreadable(&detail),
            other => AppError::Transport { message: other.to_string() },
        }
    }
}

#[cfg(feature = "ssr")]
mod from_service {
    use access_data::{ServiceError, Waiting};
    use store::StoreError;

    use super::{AppError, WaitedFor};

    impl From<StoreError> for AppError {
        /// A name, schedule or token name refused by the store is the request's fault;
        /// anything else is ours, with the cause in the log.
        fn from(error: StoreError) -> Self {
            match error {
                StoreError::InvalidApiTokenName(e) => AppError::BadInput { message: e.to_string() },
                StoreError::InvalidLabel(e) => AppError::BadInput { message: e.to_string() },
                StoreError::InvalidDigestSchedule(e) => AppError::BadInput { message: e.to_string() },
                other => {
                    tracing::error!(error = %other, "the store failed");
                    AppError::Internal { message: "the dashboard's database failed; the server log has the cause".into() }
                }
            }
        }
    }

    impl From<ServiceError> for AppError {
        fn from(error: ServiceError) -> Self {
            if let ServiceError::InvalidLabel(invalid) = &error {
                return AppError::BadInput { message: invalid.to_string() };
            }
            if let ServiceError::DeadlineExceeded { waited_for, deadline } = &error {
                let waited_for = match *waited_for {
                    Waiting::Store => WaitedFor::Store,
                    Waiting::Feishu { days } => WaitedFor::Feishu { days },
                    Waiting::Replica { days } => WaitedFor::Replica { days },
                };
                return AppError::Deadline { seconds: deadline.as_secs(), waited_for, message: error.to_string() };
            }
            if let ServiceError::QuotaReached { used, limit, refused_by_feishu, resets_on } = error {
                return AppError::QuotaReached { used, limit, refused_by_feishu, resets_on, message: error.to_string() };
            }
            match error.feishu() {
                Some(feishu) => AppError::Feishu {
                    code: feishu.code(),
                    message: feishu.to_string(),
                    advice: feishu.advice().to_owned(),
                },
                None => {
                    tracing::error!(error = ?error, "access-data service failed");
                    AppError::Internal { message: error.to_string() }
                }
            }
        }
    }
}
