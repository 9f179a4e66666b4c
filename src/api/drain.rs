//! What is left of a request body once its answer is ready. A request may be answered before its
//! body was read (a PUT refused for its signature, its ACL or its declared size); HTTP/1.1 can
//! only reuse the connection once the rest of that body has been read off it. A small rest (at
//! most [`DRAIN_MAX`], arriving within the body timeout) is read and dropped, so the client's
//! next request on the connection is served; a larger or slower one is not waited for: the
//! answer says `Connection: close` and the connection closes after it, so the client knows
//! before it sends its next request there. After a server-side failure (a 5xx: a full disk, a
//! store outage) the client did nothing wrong and is usually still sending: up to
//! [`DRAIN_MAX_SERVER_ERROR`] is read, or its socket would be closed under it and it would see
//! a broken pipe instead of the answer.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, Response};
use hyper::body::{Body as HttpBody, Frame, SizeHint};
use tokio::sync::oneshot;

/// The most body bytes read and dropped to keep a connection after an early answer: 64 KiB is
/// what a client has usually sent (or its socket buffers hold) by the time the answer is out,
/// and costs nothing to read.
pub const DRAIN_MAX: u64 = 64 * 1024;

/// The most body bytes read and dropped after a 5xx answer: a typical single-part upload.
pub const DRAIN_MAX_SERVER_ERROR: u64 = 64 << 20;

/// The longest a drain waits for the rest of a small body before closing instead.
const DRAIN_WAIT_MAX: Duration = Duration::from_secs(5);

/// Wraps a request body so that, when a handler drops it unfinished, the unread rest comes back
/// through the returned receiver to [`settle`].
pub fn track(body: Body) -> (Body, oneshot::Receiver<Body>) {
    let (tx, rx) = oneshot::channel();
    (Body::new(Tracked { inner: body, ended: false, leftover: Some(tx) }), rx)
}

/// A request body that hands back its unread rest when dropped before its end.
struct Tracked {
    inner: Body,
    ended: bool,
    leftover: Option<oneshot::Sender<Body>>,
}

impl HttpBody for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        // An error ends the body too: hyper closes a connection whose body failed.
        if matches!(polled, Poll::Ready(None | Some(Err(_)))) {
            self.ended = true;
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        if self.ended || self.inner.is_end_stream() {
            return;
        }
        if let Some(tx) = self.leftover.take() {
            let _ = tx.send(std::mem::replace(&mut self.inner, Body::empty()));
        }
    }
}

/// Once `resp` is ready: when the handler left part of the request body unread, reads a rest of
/// at most [`DRAIN_MAX`] bytes ([`DRAIN_MAX_SERVER_ERROR`] after a 5xx; within `wait`, at most
/// 5 s) and drops it, or else marks `resp` `Connection: close`. A body still held elsewhere (a
/// task streaming it) is left alone.
pub async fn settle(
    resp: &mut Response<Body>,
    mut leftover: oneshot::Receiver<Body>,
    wait: Duration,
) {
    // Not awaited: a dropped body has already been sent, and one still held is not waited for.
    let Ok(rest) = leftover.try_recv() else { return };
    // The remaining length: exact for a Content-Length body, unknown (no upper bound) for a
    // chunked one, which is never waited for.
    let max = if resp.status().is_server_error() { DRAIN_MAX_SERVER_ERROR } else { DRAIN_MAX };
    let small = rest.size_hint().upper().is_some_and(|n| n <= max);
    if small && drain(rest, max, wait.min(DRAIN_WAIT_MAX)).await {
        return;
    }
    resp.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
}

/// Reads `body` to its end within `wait`, dropping the bytes; false when it failed, ran over
/// `max` bytes or did not end in time.
async fn drain(body: Body, max: u64, wait: Duration) -> bool {
    let read = async {
        let mut body = body;
        let mut seen = 0u64;
        while let Some(frame) =
            futures_util::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await
        {
            let Ok(frame) = frame else { return false };
            seen += frame.data_ref().map_or(0, |d| d.len() as u64);
            if seen > max {
                return false;
            }
        }
        true
    };
    tokio::time::timeout(wait, read).await.unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;

    fn answer() -> Response<Body> {
        Response::new(Body::empty())
    }

    #[tokio::test]
    async fn an_unread_small_body_is_drained_and_keeps_the_connection() {
        let (body, rest) = track(Body::from(vec![7u8; 1000]));
        drop(body);
        let mut resp = answer();
        settle(&mut resp, rest, Duration::from_secs(1)).await;
        assert!(resp.headers().get(header::CONNECTION).is_none());
    }

    #[tokio::test]
    async fn an_unread_large_body_closes_the_connection() {
        let (body, rest) = track(Body::from(vec![7u8; DRAIN_MAX as usize + 1]));
        drop(body);
        let mut resp = answer();
        settle(&mut resp, rest, Duration::from_secs(1)).await;
        assert_eq!(resp.headers()[header::CONNECTION], "close");
    }

    #[tokio::test]
    async fn after_a_server_error_a_larger_body_is_drained() {
        let answer_500 = || {
            let mut r = answer();
            *r.status_mut() = axum::http::StatusCode::INSUFFICIENT_STORAGE;
            r
        };
        let (body, rest) = track(Body::from(vec![7u8; 9 << 20]));
        drop(body);
        let mut resp = answer_500();
        settle(&mut resp, rest, Duration::from_secs(5)).await;
        assert!(resp.headers().get(header::CONNECTION).is_none());
        let (body, rest) = track(Body::from(vec![7u8; DRAIN_MAX_SERVER_ERROR as usize + 1]));
        drop(body);
        let mut resp = answer_500();
        settle(&mut resp, rest, Duration::from_secs(5)).await;
        assert_eq!(resp.headers()[header::CONNECTION], "close");
    }

    #[tokio::test]
    async fn a_body_read_to_its_end_leaves_nothing() {
        let (body, rest) = track(Body::from(vec![7u8; DRAIN_MAX as usize * 2]));
        assert_eq!(to_bytes(body, usize::MAX).await.unwrap().len(), DRAIN_MAX as usize * 2);
        let mut resp = answer();
        settle(&mut resp, rest, Duration::from_secs(1)).await;
        assert!(resp.headers().get(header::CONNECTION).is_none());
    }

    /// A body of a declared length that never arrives.
    struct Stalled;

    impl HttpBody for Stalled {
        type Data = Bytes;
        type Error = axum::Error;

        fn poll_frame(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
            Poll::Pending
        }

        fn size_hint(&self) -> SizeHint {
            SizeHint::with_exact(10)
        }
    }

    #[tokio::test]
    async fn a_stalled_or_chunked_body_closes_the_connection() {
        let (body, rest) = track(Body::new(Stalled));
        drop(body);
        let mut resp = answer();
        settle(&mut resp, rest, Duration::from_millis(50)).await;
        assert_eq!(resp.headers()[header::CONNECTION], "close");
        // A chunked body has no known length: closed without waiting.
        let endless = futures_util::stream::pending::<Result<Bytes, std::io::Error>>();
        let (body, rest) = track(Body::from_stream(endless));
        drop(body);
        let mut resp = answer();
        settle(&mut resp, rest, Duration::from_secs(600)).await;
        assert_eq!(resp.headers()[header::CONNECTION], "close");
    }
}
