//! The accept loops: plain HTTP/1.1 and HTTPS (HTTP/2 or HTTP/1.1 by ALPN) listeners for the
//! API, an optional metrics-only listener, each connection served by hyper with the header-read
//! timeout, and graceful shutdown: when `stop` completes every listener closes at once, the
//! requests in flight are finished (within the drain timeout), and idle keep-alive connections
//! are closed.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::http::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};

use super::context::AppState;
use super::ops::{Connection, MetricsAccess};
use super::tls::Tls;

/// What a listener serves.
pub enum Role {
    /// The OSS API; `/metrics` readable as `MetricsAccess` says.
    Api(MetricsAccess),
    /// Only `/metrics`, `/-/health` and `/-/ready`.
    Metrics,
}

/// The limits on a request head: the time to send it and its size.
#[derive(Clone, Copy)]
struct Head {
    timeout: Duration,
    max_bytes: usize,
}

/// One listening socket and what it serves.
pub struct Listener {
    /// The socket.
    pub tcp: TcpListener,
    /// HTTPS with this certificate, or plain HTTP.
    pub tls: Option<Arc<Tls>>,
    /// What it serves.
    pub role: Role,
}

/// How a [`serve_on`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shutdown {
    /// Every request in flight finished.
    Drained,
    /// The drain timeout passed with requests still in flight; they were abandoned.
    TimedOut,
}

/// Serves `state` on `listener` until Ctrl-C (SIGINT), then finishes the requests in flight.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    serve_until(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

/// Serves `state` on `listener` (plain HTTP/1.1, keep-alive, the state's `Timeouts`,
/// `/metrics` for loopback clients) until `stop` completes, then finishes the requests in
/// flight however long they take. [`serve_on`] serves several listeners, HTTPS and a
/// bounded drain.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    state: AppState,
    stop: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let api = Listener { tcp: listener, tls: None, role: Role::Api(MetricsAccess::Loopback) };
    // A year: no limit in practice.
    let unbounded = Duration::from_secs(365 * 24 * 3600);
    serve_on(vec![api], state, stop, unbounded).await;
    Ok(())
}

/// Serves `listeners` until `stop` completes, then stops accepting on all of them and waits
/// up to `drain` for the requests in flight.
pub async fn serve_on(
    listeners: Vec<Listener>,
    state: AppState,
    stop: impl Future<Output = ()>,
    drain: Duration,
) -> Shutdown {
    let head = Head {
        timeout: state.0.timeouts.header,
        // hyper refuses a buffer under 8 KiB.
        max_bytes: state.0.limits.header_bytes.max(8192),
    };
    let api = super::server::router(state.clone());
    let metrics = super::server::metrics_router(state);
    let graceful = GracefulShutdown::new();
    let loops = futures_util::future::join_all(listeners.into_iter().map(|l| {
        let app = match l.role {
            Role::Api(_) => api.clone(),
            Role::Metrics => metrics.clone(),
        };
        let access = match l.role {
            Role::Api(access) => access,
            Role::Metrics => MetricsAccess::Anyone,
        };
        accept_loop(l.tcp, l.tls, app, access, head, &graceful)
    }));
    tokio::select! {
        _ = loops => {}
        () = stop => {}
    }
    // The accept loops (and their sockets) are dropped here: new connections are refused.
    match tokio::time::timeout(drain, graceful.shutdown()).await {
        Ok(()) => Shutdown::Drained,
        Err(_) => Shutdown::TimedOut,
    }
}

async fn accept_loop(
    tcp: TcpListener,
    tls: Option<Arc<Tls>>,
    app: Router,
    metrics: MetricsAccess,
    head: Head,
    graceful: &GracefulShutdown,
) {
    loop {
        let (stream, remote) = match tcp.accept().await {
            Ok(accepted) => accepted,
            // Out of file descriptors and the like: wait a little rather than spin.
            Err(e) => {
                tracing::warn!("accept: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let conn = Connection { remote, metrics };
        // Taken before the handshake, so a shutdown waits for connections still shaking hands.
        let watcher = graceful.watcher();
        let app = app.clone();
        let acceptor = tls.as_ref().map(|t| t.acceptor());
        tokio::spawn(async move {
            match acceptor {
                None => serve_http1(TokioIo::new(stream), app, conn, head, watcher).await,
                Some(acceptor) => {
                    serve_tls(stream, remote, acceptor, app, conn, head, watcher).await
                }
            }
        });
    }
}

/// The handshake, then HTTP/2 when the client chose it by ALPN, else HTTP/1.1. A client that
/// has not finished its handshake within the header timeout is dropped.
async fn serve_tls(
    stream: TcpStream,
    remote: SocketAddr,
    acceptor: tokio_rustls::TlsAcceptor,
    app: Router,
    conn: Connection,
    head: Head,
    watcher: Watcher,
) {
    let tls = match tokio::time::timeout(head.timeout, acceptor.accept(stream)).await {
        Ok(Ok(tls)) => tls,
        Ok(Err(e)) => {
            tracing::debug!("TLS handshake with {remote}: {e}");
            return;
        }
        Err(_) => return,
    };
    if tls.get_ref().1.alpn_protocol() == Some(b"h2") {
        let conn = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
            .timer(TokioTimer::new())
            .serve_connection(TokioIo::new(tls), service(app, conn));
        // A client that goes away or times out ends its connection; nothing to report.
        let _ = watcher.watch(conn).await;
    } else {
        serve_http1(TokioIo::new(tls), app, conn, head, watcher).await;
    }
}

async fn serve_http1<IO>(
    io: TokioIo<IO>,
    app: Router,
    conn: Connection,
    head: Head,
    watcher: Watcher,
) where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(head.timeout)
        .max_buf_size(head.max_bytes)
        .serve_connection(io, service(app, conn));
    let _ = watcher.watch(conn).await;
}

/// The router as a hyper service that attaches the [`Connection`] to every request.
#[derive(Clone)]
struct WithConnection {
    inner: TowerToHyperService<Router>,
    conn: Connection,
}

type Inner = TowerToHyperService<Router>;

impl hyper::service::Service<Request<Incoming>> for WithConnection {
    type Response = <Inner as hyper::service::Service<Request<Incoming>>>::Response;
    type Error = <Inner as hyper::service::Service<Request<Incoming>>>::Error;
    type Future = <Inner as hyper::service::Service<Request<Incoming>>>::Future;

    fn call(&self, mut req: Request<Incoming>) -> Self::Future {
        req.extensions_mut().insert(self.conn);
        self.inner.call(req)
    }
}

fn service(app: Router, conn: Connection) -> WithConnection {
    WithConnection { inner: TowerToHyperService::new(app), conn }
}
