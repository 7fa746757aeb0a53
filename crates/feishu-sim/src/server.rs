//! Binding a port, the accept loop, and the handle a test or the binary holds.
//!
//! The accept loop is written by hand over hyper-util (not `axum::serve`) so
//! that a handler can close its own connection without answering: every
//! connection gets a [`ConnectionKill`] token in its requests' extensions, and
//! the connection task drops the socket as soon as that token is cancelled.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::Request;
use chrono::NaiveDate;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::ServiceExt;

use crate::config::{Faults, SimConfig};
use crate::data::Dataset;
use crate::endpoints::SimEndpoint;
use crate::faults::ConnectionKill;
use crate::message_store::{ChatMessages, SimMessage};
use crate::router::router;
use crate::state::SimState;
use crate::stats::{RequestRecord, SimStats};
use crate::users::SimUser;

/// Starts simulators.
#[derive(Debug)]
pub struct Simulator;

impl Simulator {
    /// Binds `addr` (use port 0 for a free port) and serves until
    /// [`SimHandle::shutdown`] is called or the last handle is dropped.
    pub async fn start(config: SimConfig, addr: SocketAddr) -> std::io::Result<SimHandle> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(SimState::new(config, format!("http://{addr}")));
        let shutdown = CancellationToken::new();
        let connections = TaskTracker::new();
        let accept = tokio::spawn(accept_loop(listener, router(state.clone()), shutdown.clone(), connections.clone()));
        tracing::info!(%addr, blocks = state.dataset.blocks().len(), today = %state.dataset.today(), "feishu simulator listening");
        Ok(SimHandle { inner: Arc::new(Running { addr, state, shutdown, connections, accept: Mutex::new(Some(accept)) }) })
    }
}

/// A running simulator. Clones share it. [`SimHandle::shutdown`] stops it and
/// waits until the port and every connection are closed; dropping the last
/// clone stops it too, without waiting.
#[derive(Clone, Debug)]
pub struct SimHandle {
    inner: Arc<Running>,
}

#[derive(Debug)]
struct Running {
    addr: SocketAddr,
    state: Arc<SimState>,
    shutdown: CancellationToken,
    connections: TaskTracker,
    accept: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

impl SimHandle {
    /// `http://IP:PORT`, the base URL a Feishu client is pointed at.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.inner.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// The synthetic tenant's data, to compare answers with.
    pub fn dataset(&self) -> &Dataset {
        &self.inner.state.dataset
    }

    /// The config the simulator was started with (faults as at start).
    pub fn config(&self) -> &SimConfig {
        &self.inner.state.config
    }

    /// The fault knobs in force now.
    pub fn faults(&self) -> Faults {
        self.inner.state.faults()
    }

    /// Replaces the fault knobs; requests arriving from now on see them.
    pub fn set_faults(&self, faults: Faults) {
        self.inner.state.set_faults(faults);
    }

    /// Totals since start or the last [`SimHandle::reset_stats`].
    pub fn stats(&self) -> SimStats {
        self.inner.state.recorder.stats()
    }

    /// Forgets all recorded requests.
    pub fn reset_stats(&self) {
        self.inner.state.recorder.reset();
    }

    /// Every search request since start or the last reset, in arrival order.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.inner.state.recorder.requests()
    }

    /// The search requests answered with `code: 0`, in arrival order.
    pub fn successful_requests(&self) -> Vec<RequestRecord> {
        self.requests().into_iter().filter(RequestRecord::is_success).collect()
    }

    /// For each day with data, how many successful first-page requests (no
    /// page_token) of the block endpoint covered it: a client that fetches each day
    /// once shows 1s. Follow-up pages of the same query are not counted again.
    pub fn day_fetch_counts(&self) -> BTreeMap<NaiveDate, u32> {
        self.day_fetch_counts_of(SimEndpoint::BlockAccess)
    }

    /// [`SimHandle::day_fetch_counts`] of one endpoint.
    pub fn day_fetch_counts_of(&self, endpoint: SimEndpoint) -> BTreeMap<NaiveDate, u32> {
        let dataset = self.dataset();
        let mut counts = BTreeMap::new();
        for record in self.successful_requests().into_iter().filter(|r| r.endpoint == endpoint) {
            if record.params.page_token.as_deref().is_some_and(|token| !token.is_empty()) {
                continue;
            }
            let (Some(from), Some(to)) = (record.params.from, record.params.to) else {
                continue;
            };
            let (from, to) = (from.max(dataset.first_day()), to.min(dataset.today()));
            for day in from.iter_days().take_while(|day| *day <= to) {
                *counts.entry(day).or_insert(0) += 1;
            }
        }
        counts
    }

    /// Makes every issued tenant token invalid (searches answer 99991663
    /// until the client fetches a new one).
    pub fn expire_all_tokens(&self) {
        self.inner.state.tokens.expire_all();
    }

    /// The people who can log in with Feishu, as configured.
    pub fn users(&self) -> &[SimUser] {
        &self.inner.state.config.users
    }

    /// Makes every user access token expired: `user_info` answers 99991677
    /// until the client refreshes or the person logs in again. Refresh tokens
    /// stay valid.
    pub fn expire_user_tokens(&self) {
        self.inner.state.login.expire_access_tokens(Instant::now());
    }

    /// Every configured chat (the bot in it or not) with the messages it
    /// received, oldest first: what `GET /_sim/chats` answers.
    pub fn chats_with_messages(&self) -> Vec<ChatMessages> {
        crate::chat_page::chats_with_messages(&self.inner.state)
    }

    /// The messages `chat_id` received, oldest first (none for an unknown chat).
    pub fn messages(&self, chat_id: &str) -> Vec<SimMessage> {
        self.inner.state.messages.of_chat(chat_id)
    }

    /// Stops accepting, closes every open connection and waits for both.
    pub async fn shutdown(self) {
        self.inner.shutdown.cancel();
        let accept = self.inner.accept.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
        if let Some(accept) = accept
            && let Err(error) = accept.await
        {
            tracing::warn!(%error, "simulator accept loop ended abnormally");
        }
        self.inner.connections.close();
        self.inner.connections.wait().await;
        tracing::info!(addr = %self.inner.addr, "feishu simulator stopped");
    }
}

async fn accept_loop(listener: TcpListener, app: Router, shutdown: CancellationToken, connections: TaskTracker) {
    loop {
        let accepted = tokio::select! {
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, _peer)) => {
                connections.spawn(serve_connection(stream, app.clone(), shutdown.child_token()));
            }
            Err(error) => {
                // E.g. out of file descriptors: back off instead of spinning.
                tracing::warn!(%error, "simulator accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

async fn serve_connection(stream: TcpStream, app: Router, kill: CancellationToken) {
    if let Err(error) = stream.set_nodelay(true) {
        tracing::debug!(%error, "could not set TCP_NODELAY");
    }
    let extension = ConnectionKill(kill.clone());
    let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
        request.extensions_mut().insert(extension.clone());
        app.clone().oneshot(request.map(axum::body::Body::new) as Request)
    });
    let builder = auto::Builder::new(TokioExecutor::new());
    let connection = builder.serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        result = connection => {
            if let Err(error) = result {
                tracing::debug!(%error, "simulator connection ended with an error");
            }
        }
        () = kill.cancelled() => tracing::debug!("simulator connection closed without an answer"),
    }
}
