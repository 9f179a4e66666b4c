//! `serve`'s configuration of processed-result caching: the result cache (`[cache]`,
//! `--cache-dir`, `--cache-max-bytes`, `OSSIMG_CACHE_DIR`, `OSSIMG_CACHE_MAX_BYTES`) and the
//! `Cache-Control` of each bucket's results (`[cache_control]`, `--cache-control`).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{bail, Context as _};
use serde::Deserialize;

use crate::api::ResultCaching;
use crate::cache::ResultCache;

/// The default budget of the result cache: 1 GiB.
const DEFAULT_MAX_BYTES: u64 = 1 << 30;

/// `[cache]` of the configuration file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheSection {
    /// Where the processed variants are kept.
    pub dir: PathBuf,
    /// The byte budget: a number of bytes or a string with a K/M/G/T suffix (powers of 1024).
    pub max_bytes: Option<ByteSize>,
}

/// A size in bytes as the configuration file writes it.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ByteSize {
    /// A plain number of bytes.
    Bytes(u64),
    /// `"512M"`, `"10G"`, `"1048576"`.
    Text(String),
}

/// Parses `512M`, `10G`, `1GiB`, `1048576` (powers of 1024).
pub fn parse_bytes(text: &str) -> anyhow::Result<u64> {
    let t = text.trim();
    let t = t.strip_suffix("iB").or_else(|| t.strip_suffix('B')).unwrap_or(t);
    let (digits, shift) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let shift = match c.to_ascii_uppercase() {
                'K' => 10,
                'M' => 20,
                'G' => 30,
                'T' => 40,
                _ => bail!("invalid size {text:?}: the suffix is K, M, G or T"),
            };
            (&t[..i], shift)
        }
        _ => (t, 0),
    };
    let n: u64 = digits.trim().parse().with_context(|| format!("invalid size {text:?}"))?;
    n.checked_mul(1 << shift).with_context(|| format!("size {text:?} is too large"))
}

/// Builds the caching settings: flags over environment over the file. Opening the cache
/// indexes what a previous run left there.
pub fn result_caching(
    file: Option<CacheSection>,
    dir_flag: Option<PathBuf>,
    max_flag: Option<String>,
    file_controls: HashMap<String, String>,
    control_flags: &[String],
) -> anyhow::Result<ResultCaching> {
    let env = |n: &str| std::env::var(n).ok().filter(|v| !v.is_empty());
    let (file_dir, file_max) = match file {
        Some(c) => (Some(c.dir), c.max_bytes),
        None => (None, None),
    };
    let dir = dir_flag.or(env("OSSIMG_CACHE_DIR").map(PathBuf::from)).or(file_dir);
    let max = match max_flag.or(env("OSSIMG_CACHE_MAX_BYTES")) {
        Some(t) => parse_bytes(&t)?,
        None => match file_max {
            Some(ByteSize::Bytes(n)) => n,
            Some(ByteSize::Text(t)) => parse_bytes(&t)?,
            None => DEFAULT_MAX_BYTES,
        },
    };
    let cache = match dir {
        Some(dir) => {
            let cache = ResultCache::open(&dir, max)
                .with_context(|| format!("cannot open the result cache in {}", dir.display()))?;
            Some(Arc::new(cache))
        }
        None => None,
    };
    let mut cache_control = file_controls;
    for pair in control_flags {
        let Some((bucket, value)) = pair.split_once('=') else {
            bail!("--cache-control takes BUCKET=VALUE, not {pair:?}");
        };
        cache_control.insert(bucket.to_string(), value.to_string());
    }
    for (bucket, value) in &cache_control {
        if value.is_empty() || value.chars().any(|c| c.is_control()) {
            bail!("invalid Cache-Control for bucket {bucket}: {value:?}");
        }
    }
    Ok(ResultCaching { cache, cache_control })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_bytes("1048576").unwrap(), 1 << 20);
        assert_eq!(parse_bytes("512M").unwrap(), 512 << 20);
        assert_eq!(parse_bytes("10G").unwrap(), 10 << 30);
        assert_eq!(parse_bytes("1GiB").unwrap(), 1 << 30);
        assert_eq!(parse_bytes("2k").unwrap(), 2048);
        assert!(parse_bytes("ten").is_err());
        assert!(parse_bytes("5X").is_err());
        assert!(parse_bytes("99999999999T").is_err());
    }

    #[test]
    fn flags_and_file_combine() {
        let dir = std::env::temp_dir().join(format!("ossimg-results-{}", std::process::id()));
        let file = CacheSection { dir: dir.clone(), max_bytes: Some(ByteSize::Text("2M".into())) };
        let controls = HashMap::from([("a".to_string(), "max-age=60".to_string())]);
        let r = result_caching(Some(file), None, None, controls, &["b=no-cache".into()]).unwrap();
        let cache = r.cache.expect("a cache");
        assert_eq!((cache.dir(), cache.max_bytes()), (dir.as_path(), 2 << 20));
        assert_eq!(r.cache_control.get("a").map(String::as_str), Some("max-age=60"));
        assert_eq!(r.cache_control.get("b").map(String::as_str), Some("no-cache"));
        assert!(result_caching(None, None, None, HashMap::new(), &["nobucket".into()]).is_err());
        assert!(result_caching(None, None, None, HashMap::new(), &[]).unwrap().cache.is_none());
        let _ = std::fs::remove_dir_all(dir);
    }
}
