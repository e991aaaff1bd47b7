//! # docseal-server
//!
//! The verification service behind `docseal serve`: relying parties' back ends post a
//! payload (or a batch, or a photo) and get the JSON of `docseal verify --json`. Each
//! instance is stateless: the trust list and status lists come from files and are loaded
//! again when the files change (a verification sees the old set or the new one, never half
//! of each; a reload that fails keeps the old set and is logged), so a relying party scales
//! out by running more instances behind its load balancer.
//!
//! Hostile clients meet limits: request body size (413), batch size (413), image size and
//! reading time, a header read timeout (slow clients are cut), a request timeout (408), a
//! concurrency limit past which requests get 503 at once. Logs go through `tracing` (see
//! [`install_logging`]): JSON or text lines on standard error with the route, status and time,
//! never a payload or a personal datum.
//!
//! Routes: `POST /v1/verify`, `POST /v1/verify/batch`, `POST /v1/verify/image` (a raw PNG or
//! JPEG body, or a `multipart/form-data` upload with the field `image` or a file field;
//! `X-Docseal-At` for the time), `GET /v1/health`, `GET /v1/trust`, `GET /metrics`.

mod answer;
mod coalesce;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod keys;
mod logging;
mod metrics;
mod openapi;
mod routes;
mod schemas;
mod state;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use docseal::Policy;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tower::ServiceBuilder;

pub use docseal_desk::{Sources, StateDir};
pub use logging::{LogFormat, install_logging};

/// Why the service could not start (or load its files).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// A trust, anchor, status or key file could not be read or was refused.
    #[error("{}: {reason}", path.display())]
    Load {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The trust list, anchor or status lists were refused by the desk's rules.
    #[error(transparent)]
    Setup(#[from] docseal_desk::SetupError),
    /// The listening socket.
    #[error("cannot listen on {addr}: {reason}")]
    Listen {
        /// The address asked for.
        addr: SocketAddr,
        /// Why.
        reason: String,
    },
}

/// Limits that hold under hostile clients.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest request body of the JSON routes, in bytes.
    pub body_bytes: usize,
    /// Largest request body of the batch route, in bytes.
    pub batch_body_bytes: usize,
    /// Largest image body, in bytes.
    pub image_bytes: usize,
    /// Largest image, in pixels (refused before its pixels are allocated).
    pub image_pixels: u64,
    /// Time an image's reading may take.
    pub image_time: Duration,
    /// Most payloads in one batch request.
    pub batch: usize,
    /// Time a client has to send a request's headers (slow clients are cut).
    pub header_timeout: Duration,
    /// Time a request may take from its headers to its answer, body included (408 after).
    pub request_timeout: Duration,
    /// Requests served at once; past it, 503 at once.
    pub concurrency: usize,
    /// On shutdown, time in-flight requests get to finish.
    pub drain: Duration,
    /// Connections open at once; a connection past it is closed as soon as it is accepted.
    pub connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            body_bytes: 64 * 1024,
            batch_body_bytes: 8 * 1024 * 1024,
            image_bytes: 16 * 1024 * 1024,
            image_pixels: 8_000_000,
            image_time: Duration::from_secs(2),
            batch: 1000,
            header_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(10),
            concurrency: 512,
            drain: Duration::from_secs(10),
            connections: 1024,
        }
    }
}

/// Everything `docseal serve` is told.
#[derive(Debug, Clone)]
pub struct Config {
    /// The trust material's files.
    pub sources: Sources,
    /// The lowest signed trust-list sequence accepted (`--trust-sequence`).
    pub trust_sequence: Option<u64>,
    /// Where the highest accepted sequence is kept across restarts (`--state-dir`).
    pub state_dir: Option<PathBuf>,
    /// The verification policy every request starts from (skew, max age, ...).
    pub policy: Policy,
    /// The limits.
    pub limits: Limits,
    /// How often the files are checked for a change.
    pub reload_every: Duration,
    /// A file of SHA-256 hashes (hex, one per line) of the API keys clients must present
    /// (`Authorization: Bearer KEY` or `X-Api-Key`); `None` for no keys. The key is checked
    /// from the headers, before a body is read.
    pub api_keys: Option<PathBuf>,
    /// With API keys: `/metrics` answers without one (for a scraper inside the network).
    pub open_metrics: bool,
}

/// The shared state of the routes.
#[derive(Debug)]
pub(crate) struct App {
    current: Arc<state::Current>,
    coalesce: tokio::sync::mpsc::Sender<coalesce::Job>,
    metrics: metrics::Metrics,
    limits: Limits,
    keys: Option<keys::ApiKeys>,
    open_metrics: bool,
    /// When the reload in progress started (Unix milliseconds), 0 when none is.
    reload_started: std::sync::atomic::AtomicI64,
    /// One per request being verified; past `limits.concurrency`, 503 at once. Taken after
    /// the body is read, so the 503 reaches the client instead of a reset connection.
    permits: tokio::sync::Semaphore,
}

impl App {
    /// `Err` with 401 when keys are configured and the request carries none of them.
    pub(crate) fn authorize(&self, headers: &HeaderMap) -> Result<(), routes::Refusal> {
        match &self.keys {
            Some(keys) if !keys.allows(headers) => {
                Err(routes::bad_request(StatusCode::UNAUTHORIZED, "a valid API key is required"))
            }
            _ => Ok(()),
        }
    }

    /// Whether a request to `path` needs an API key: every route but the health check and the
    /// API's description, and `/metrics` unless it was opened.
    fn needs_key(&self, path: &str) -> bool {
        self.keys.is_some()
            && !matches!(path, "/v1/health" | "/v1/openapi.json")
            && !(self.open_metrics && path == "/metrics")
    }

    /// How long the reload in progress has been running, when that is over 30 s.
    pub(crate) fn reload_stuck_for(&self) -> Option<i64> {
        let started = self.reload_started.load(std::sync::atomic::Ordering::Relaxed);
        let running = chrono::Utc::now().timestamp_millis() - started;
        (started != 0 && running > 30_000).then_some(running / 1000)
    }

    /// A place among the requests verified at once, or 503.
    pub(crate) fn admit(&self) -> Result<tokio::sync::SemaphorePermit<'_>, routes::Refusal> {
        self.permits
            .try_acquire()
            .map_err(|_| routes::bad_request(StatusCode::SERVICE_UNAVAILABLE, "too many requests at once: try again"))
    }
}

async fn overloaded(err: tower::BoxError) -> Response {
    use axum::response::IntoResponse as _;
    if err.is::<tower::timeout::error::Elapsed>() {
        routes::bad_request(StatusCode::REQUEST_TIMEOUT, "the request took too long").into_response()
    } else {
        routes::bad_request(StatusCode::INTERNAL_SERVER_ERROR, err.to_string()).into_response()
    }
}

fn router(app: Arc<App>) -> Router {
    let limits = app.limits.clone();
    let counted = Arc::clone(&app);
    let guard = ServiceBuilder::new().layer(HandleErrorLayer::new(overloaded)).timeout(limits.request_timeout);
    Router::new()
        .route("/v1/verify", post(routes::verify))
        .route("/v1/verify/batch", post(routes::verify_batch).layer(DefaultBodyLimit::max(limits.batch_body_bytes)))
        .route("/v1/verify/image", post(routes::verify_image).layer(DefaultBodyLimit::max(limits.image_bytes)))
        .route("/v1/health", get(routes::health))
        .route("/v1/trust", get(routes::trust))
        .route("/metrics", get(routes::metrics))
        .route("/v1/openapi.json", get(openapi::openapi))
        .layer(DefaultBodyLimit::max(limits.body_bytes))
        .fallback(routes::not_found)
        .layer(axum::middleware::from_fn(move |request: axum::extract::Request, next: axum::middleware::Next| {
            let app = Arc::clone(&counted);
            async move {
                // The route's pattern, not the raw path: a client cannot grow the metrics
                // with made-up paths.
                let path = request
                    .extensions()
                    .get::<axum::extract::MatchedPath>()
                    .map_or("unmatched", axum::extract::MatchedPath::as_str)
                    .to_owned();
                // The key comes from the headers, before any body is read: a client without
                // one costs the service its headers only.
                let response = if app.needs_key(request.uri().path())
                    && let Err(refusal) = app.authorize(request.headers())
                {
                    axum::response::IntoResponse::into_response(refusal)
                } else {
                    routes::as_json_error(next.run(request).await).await
                };
                app.metrics.request(&path, response.status().as_u16());
                response
            }
        }))
        .layer(logging::request_trace())
        .layer(guard)
        .with_state(app)
}

/// Loads the files and starts the request grouping task (inside a tokio runtime).
fn app(config: &Config) -> Result<Arc<App>, ServeError> {
    let current = Arc::new(state::Current::load(
        config.sources.clone(),
        config.policy.clone(),
        config.trust_sequence,
        config.state_dir.clone().map(StateDir::new),
        chrono::Utc::now(),
    )?);
    let coalesce = coalesce::start(Arc::clone(&current));
    let keys = config.api_keys.as_deref().map(keys::ApiKeys::load).transpose()?;
    Ok(Arc::new(App {
        current,
        coalesce,
        metrics: metrics::Metrics::default(),
        limits: config.limits.clone(),
        keys,
        open_metrics: config.open_metrics,
        reload_started: std::sync::atomic::AtomicI64::new(0),
        permits: tokio::sync::Semaphore::new(config.limits.concurrency.max(1)),
    }))
}

/// Loads the files and serves on `listener` until `shutdown` completes, then stops
/// accepting and gives in-flight requests up to `limits.drain` to finish.
///
/// # Errors
/// [`ServeError::Load`] when the trust list, anchor, status lists or key file do not load.
pub async fn serve(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let app = app(&config)?;
    let reloader = tokio::spawn(reload_loop(Arc::clone(&app), config.reload_every));
    let service = router(Arc::clone(&app));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(config.limits.header_timeout);
    let mut shutdown = std::pin::pin!(shutdown);
    // Open connections are capped; slow and idle ones are cut by the header timeout, so the
    // places they held come free.
    let connections = Arc::new(tokio::sync::Semaphore::new(config.limits.connections.max(1)));
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "listening");
    }
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                // A failed accept (out of descriptors, a reset) concerns one client: go on.
                let Ok((stream, _)) = accepted else { continue };
                let Ok(place) = Arc::clone(&connections).try_acquire_owned() else {
                    // Full: closed at once, which a client sees as a reset it can retry.
                    drop(stream);
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let hyper_service = hyper_util::service::TowerToHyperService::new(service.clone());
                let connection = http.serve_connection(TokioIo::new(stream), hyper_service);
                let watched = graceful.watch(connection);
                tokio::spawn(async move {
                    // A client that goes away or breaks HTTP ends its own connection only.
                    let _ = watched.await;
                    drop(place);
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    reloader.abort();
    tracing::info!(drain_seconds = config.limits.drain.as_secs_f64(), "draining");
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(config.limits.drain) => {}
    }
    Ok(())
}

/// Connections waiting to be accepted (the kernel caps it at `net.core.somaxconn`).
pub const BACKLOG: u32 = 4096;

/// Binds `addr` and serves until SIGTERM or Ctrl-C.
///
/// # Errors
/// [`ServeError::Listen`] when the address cannot be bound; as [`serve`].
pub async fn serve_until_signalled(addr: SocketAddr, config: Config) -> Result<(), ServeError> {
    let failed = |e: std::io::Error| ServeError::Listen { addr, reason: e.to_string() };
    let socket = if addr.is_ipv4() { tokio::net::TcpSocket::new_v4() } else { tokio::net::TcpSocket::new_v6() }
        .map_err(failed)?;
    socket.set_reuseaddr(true).map_err(failed)?;
    socket.bind(addr).map_err(failed)?;
    // A deep backlog: a burst of clients connecting at once waits in it instead of being reset.
    let listener = socket.listen(BACKLOG).map_err(failed)?;
    serve(listener, config, signalled()).await
}

async fn signalled() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn reload_loop(app: Arc<App>, every: Duration) {
    let mut tick = tokio::time::interval(every.max(Duration::from_millis(50)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let reloaded = {
            let app = Arc::clone(&app);
            app.reload_started.store(chrono::Utc::now().timestamp_millis(), std::sync::atomic::Ordering::Relaxed);
            tokio::task::spawn_blocking(move || app.current.reload_if_changed(chrono::Utc::now())).await
        };
        app.reload_started.store(0, std::sync::atomic::Ordering::Relaxed);
        match reloaded {
            Ok(Ok(Some(refused))) => {
                app.metrics.reloaded(true);
                tracing::info!("reloaded");
                for older in refused {
                    tracing::warn!(reason = %older, kept = "the newer token", "status_token_refused");
                }
            }
            Ok(Ok(None)) => {}
            Ok(Err(e)) => {
                app.metrics.reloaded(false);
                tracing::warn!(reason = %e, kept = "the previous set", "reload_failed");
            }
            Err(_) => app.metrics.reloaded(false),
        }
    }
}
