//! The web workspace behind `yusuan serve`: an axum server over a [`yusuan_store::Store`].
//!
//! - `pages`: server-rendered pages in Chinese (maud templates, no scripts from elsewhere);
//! - `api`: the JSON API, described by `openapi.json` (served at `/api/openapi.json`);
//! - `auth`: sign-in (argon2 hashes), session cookies, CSRF tokens, roles;
//! - `analyze`: an upload read and audited with the same calls as `yusuan check`;
//! - `ops`: what pages and API share (ingest, visibility, overview, a unit, rendering);
//! - `compare`, `charts`: a unit's years side by side, as tables and SVG.
//!
//! Uploads are analysed on blocking threads, at most one per core at a time and once per
//! content, and acknowledged only once stored.

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};
use axum::Router;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::Semaphore;
use yusuan_audit::Auditor;
use yusuan_store::Store;

pub mod analyze;
pub mod api;
pub mod auth;
pub mod charts;
pub mod compare;
pub mod ops;
pub mod pages;

/// How the server runs.
#[derive(Clone, Debug)]
pub struct Config {
    /// Largest upload in bytes.
    pub max_upload: usize,
    /// Mark cookies `Secure` (browsers still accept them on http://localhost and 127.0.0.1).
    pub secure_cookies: bool,
    /// How long a sign-in lasts.
    pub session_secs: i64,
    /// How long a client may take to send a request's headers ([`HEADER_TIMEOUT`]).
    pub header_timeout: std::time::Duration,
    /// How long a request's body may take to arrive ([`BODY_TIMEOUT`]).
    pub body_timeout: std::time::Duration,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_upload: 64 << 20,
            secure_cookies: true,
            session_secs: 12 * 3600,
            header_timeout: HEADER_TIMEOUT,
            body_timeout: BODY_TIMEOUT,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub auditor: Arc<Auditor>,
    /// Analyses running at once (CPU-bound: one per core).
    pub analyses: Arc<Semaphore>,
    /// Uploads being analysed, by content hash: the same bytes arriving twice at once are
    /// analysed once, the second waits for the first.
    pub in_flight: Arc<std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
    /// Uploads read and audited since start (not those answered from the store).
    pub analysed: Arc<std::sync::atomic::AtomicU64>,
    /// Failed sign-ins, per account and address.
    pub throttle: Arc<auth::Throttle>,
}

impl AppState {
    pub fn new(store: Store, config: Config) -> AppState {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        AppState {
            store,
            config: Arc::new(config),
            auditor: Arc::new(Auditor::default()),
            analyses: Arc::new(Semaphore::new(cores)),
            in_flight: Arc::default(),
            analysed: Arc::default(),
            throttle: Arc::default(),
        }
    }
}

/// Every route, pages and API.
pub fn app(state: AppState) -> Router {
    let limit = state.config.max_upload + (64 << 10);
    Router::new()
        .route("/", get(pages::overview))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/upload", get(pages::upload_form).post(pages::upload))
        .route("/documents/{hash}", get(pages::report))
        .route("/documents/{hash}/file", get(pages::original))
        .route("/documents/{hash}/document.html", get(pages::document_html))
        .route("/documents/{hash}/published", post(pages::set_published))
        .route("/units/{unit}", get(pages::unit))
        .route("/units/{unit}/merge", post(pages::merge))
        .route("/publish", get(pages::publish_form).post(pages::publish))
        .route("/publish/import", post(pages::import_template))
        .route("/publish/{hash}", get(pages::preview))
        .route("/publish/{hash}/{file}", get(pages::rendered))
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/session", post(api::sign_in).delete(api::sign_out))
        .route("/api/documents", get(api::list).post(api::upload))
        .route("/api/documents/{hash}", get(api::document))
        .route("/api/documents/{hash}/source", get(api::source))
        .route("/api/documents/{hash}/next-year", get(api::next_year))
        .route("/api/documents/{hash}/published", put(api::set_published))
        .route("/api/documents/{hash}/publications", get(api::publications))
        .route("/api/units", get(api::units))
        .route("/api/units/{unit}", get(api::unit))
        .route("/api/units/{unit}/merge", post(api::merge))
        .route("/api/publish", post(api::publish))
        .route("/api/publish/{hash}/{file}", get(api::rendered))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::csrf_cookie,
        ))
        .layer(axum::middleware::from_fn(api::json_errors))
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn(security_headers))
        .with_state(state)
}

/// What every page allows: its own inline style and SVG, forms and frames of this server, no
/// script at all, never framed by another site.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; \
     img-src 'self' data:; frame-src 'self'; form-action 'self'; frame-ancestors 'self'; \
     base-uri 'none'";

/// Security headers on every response: no content sniffing, no referrer to other sites, not
/// framed elsewhere, and nothing private kept by caches (pages show signed-in content). HTML
/// gets the content security policy (a PDF or XLSX is a download, not a page).
async fn security_headers(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::header::{self, HeaderValue};
    let mut response = next.run(req).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let h = response.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if html {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        );
    }
    response
}

/// Ctrl-C or SIGTERM (what a service manager sends): stop taking connections, finish the
/// requests in flight (an upload being stored is committed before its answer), then return.
async fn shutdown(#[cfg(unix)] mut term: Option<tokio::signal::unix::Signal>) {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async move {
        match term.as_mut() {
            Some(t) => {
                t.recv().await;
            }
            None => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

/// How long a client may take to send a request's headers (slow clients hold a connection
/// and its memory; an idle keep-alive connection is closed after this too).
pub const HEADER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);
/// How long a request's body may take to arrive, all of it (64 MB at 1 MB/s).
pub const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);
/// Connections served at once; more wait in the kernel's backlog.
pub const MAX_CONNECTIONS: usize = 512;

/// Serve until Ctrl-C or SIGTERM. `on_ready` gets the bound address (port 0 picks a free one).
///
/// Our own accept loop over hyper (axum's `serve` sets no timeouts): headers must arrive within
/// [`HEADER_TIMEOUT`], a body within [`BODY_TIMEOUT`] (408), at most [`MAX_CONNECTIONS`]
/// connections at once, and an accept error (no descriptors left) waits instead of ending.
pub async fn serve(
    store: Store,
    config: Config,
    listen: SocketAddr,
    on_ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;
    // Load the PDF fonts before the first request needs them.
    let _ = tokio::task::spawn_blocking(yusuan_publish::pdf::warm_up).await;
    // Listen for SIGTERM before announcing the address, so that none is missed.
    #[cfg(unix)]
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    let listener = tokio::net::TcpListener::bind(listen).await?;
    on_ready(listener.local_addr()?);
    let (header_timeout, body_timeout) = (config.header_timeout, config.body_timeout);
    let app = app(AppState::new(store, config)).layer(axum::middleware::from_fn(
        move |req: axum::extract::Request, next: axum::middleware::Next| {
            body_deadline(body_timeout, req, next)
        },
    ));
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut connections = tokio::task::JoinSet::new();
    let shutdown = shutdown(
        #[cfg(unix)]
        term,
    );
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            s = slots.clone().acquire_owned() => match s { Ok(s) => s, Err(_) => break },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(c) => c,
                Err(_) => {
                    // Out of descriptors or a connection reset before accept: wait, go on.
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Reap finished connections as we go.
        while connections.try_join_next().is_some() {}
        let app = app.clone();
        let service =
            hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                let mut req = req.map(axum::body::Body::new);
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                app.clone().oneshot(req)
            });
        let mut stopped = stopped.clone();
        connections.spawn(async move {
            let _slot = slot;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout);
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stopped.changed() => {
                    // Finish the request in flight (an upload being stored is committed
                    // before its answer), then close.
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
    }
    let _ = stop.send(true);
    while connections.join_next().await.is_some() {}
    Ok(())
}

/// A request's body must arrive within [`BODY_TIMEOUT`]: reading a body that trickles in
/// fails then (the handler answers, the connection is freed) instead of holding memory and a
/// connection for ever.
async fn body_deadline(
    limit: std::time::Duration,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let (parts, body) = req.into_parts();
    let timed = TimedBody {
        inner: body,
        deadline: Box::pin(tokio::time::sleep(limit)),
    };
    next.run(axum::extract::Request::from_parts(
        parts,
        axum::body::Body::new(timed),
    ))
    .await
}

/// The error of a body that did not arrive in time.
#[derive(Debug, thiserror::Error)]
#[error("请求正文发送超时（未在时限内收完）")]
pub struct BodyTimedOut;

struct TimedBody {
    inner: axum::body::Body,
    deadline: std::pin::Pin<Box<tokio::time::Sleep>>,
}

impl http_body::Body for TimedBody {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        use std::future::Future;
        if self.deadline.as_mut().poll(cx).is_ready() {
            return std::task::Poll::Ready(Some(Err(axum::Error::new(BodyTimedOut))));
        }
        std::pin::Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}
