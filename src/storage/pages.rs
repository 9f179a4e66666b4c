//! Ordered listings of one store folder from a start name, read in requests whose size the
//! reader sets: on S3 through the store's paged LIST (`max-keys`, `start-after`), so a page of
//! 100 keys asks for about 100 names and a look past a page's end asks for a few, not 1 000;
//! elsewhere (memory) through `object_store`'s own listing stream.

use futures_util::stream::BoxStream;
use futures_util::StreamExt as _;
use object_store::list::PaginatedListOptions;
use object_store::ObjectMeta;
use std::collections::VecDeque;

use super::{backend, parse_path, Storage};
use crate::Result;

/// The store's own paged LIST, where it has one (S3): requests of a chosen size.
#[derive(Clone)]
pub(super) struct Paged {
    pub(super) store: std::sync::Arc<dyn object_store::list::PaginatedListStore>,
    /// The store's key prefix (`""`, or `<prefix>/`).
    pub(super) prefix: String,
}

/// The most names one LIST request returns (S3's cap).
pub(super) const REQUEST_MAX: usize = 1000;
/// Names asked for by the requests after the first, doubling up to [`REQUEST_MAX`]: a look past
/// a page's end usually needs one name.
const NEXT_FIRST: usize = 16;

/// The names of one folder after a start name, in store order.
pub(super) struct Listing {
    how: How,
}

enum How {
    Stream(BoxStream<'static, object_store::Result<ObjectMeta>>),
    /// A stream that ended (it must not be polled again).
    Ended,
    Paged(Box<Cursor>),
}

/// Where a paged listing stands.
struct Cursor {
    paged: Paged,
    /// `<store prefix><folder>/`.
    prefix: String,
    /// `start-after` of the first request (a full store key).
    offset: Option<String>,
    token: Option<String>,
    buf: VecDeque<ObjectMeta>,
    done: bool,
    /// Names the first request asks for (`None` once made).
    first: Option<usize>,
    /// Names the next request after the first asks for.
    next: usize,
}

impl Listing {
    /// The names under `folder` after `folder/<after>` (all of them with `None`); the first
    /// request asks for `first` names (S3).
    pub(super) fn new(
        s: &Storage,
        folder: &str,
        after: Option<&str>,
        first: usize,
    ) -> Result<Self> {
        let how = match &s.inner.paged {
            Some(p) => How::Paged(Box::new(Cursor {
                paged: p.clone(),
                prefix: format!("{}{folder}/", p.prefix),
                offset: after.map(|a| format!("{}{folder}/{a}", p.prefix)),
                token: None,
                buf: VecDeque::new(),
                done: false,
                first: Some(first.clamp(1, REQUEST_MAX)),
                next: NEXT_FIRST,
            })),
            None => {
                let dir = parse_path(folder)?;
                How::Stream(match after {
                    Some(a) => s
                        .store()
                        .list_with_offset(Some(&dir), &parse_path(&format!("{folder}/{a}"))?),
                    None => s.store().list(Some(&dir)),
                })
            }
        };
        Ok(Listing { how })
    }

    /// The next name (its location relative to the store's prefix, as `object_store` gives it
    /// elsewhere); `None` at the end.
    pub(super) async fn next(&mut self) -> Result<Option<ObjectMeta>> {
        match &mut self.how {
            How::Stream(st) => match st.next().await {
                Some(m) => Ok(Some(m.map_err(backend)?)),
                None => {
                    self.how = How::Ended;
                    Ok(None)
                }
            },
            How::Ended => Ok(None),
            How::Paged(c) => loop {
                let Cursor { paged, prefix, offset, token, buf, done, first, next } = &mut **c;
                if let Some(m) = buf.pop_front() {
                    return Ok(Some(m));
                }
                if *done {
                    return Ok(None);
                }
                let batch = match first.take() {
                    Some(n) => n,
                    None => {
                        let n = *next;
                        *next = (n * 2).min(REQUEST_MAX);
                        n
                    }
                };
                let opts = PaginatedListOptions {
                    offset: if token.is_none() { offset.clone() } else { None },
                    page_token: token.clone(),
                    max_keys: Some(batch),
                    ..Default::default()
                };
                let r = paged.store.list_paginated(Some(prefix), opts).await.map_err(backend)?;
                *token = r.page_token;
                *done = token.is_none();
                for mut m in r.result.objects {
                    let Some(rest) = m.location.as_ref().strip_prefix(paged.prefix.as_str()) else {
                        continue;
                    };
                    m.location = parse_path(rest)?;
                    buf.push_back(m);
                }
            },
        }
    }
}
