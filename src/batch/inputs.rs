//! What a batch will do, decided before any image is read: the inputs listed (files, folders,
//! store prefixes), filtered by `--include`/`--exclude`, split by `--shard`, and each given its
//! output name (`--name`); two inputs with one output name stop the batch here.

use std::collections::HashMap;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use sha2::Digest as _;

use crate::codec;
use crate::error::{Error, ErrorKind, Result};
use crate::plan;
use crate::process::{Action, Format, ProcessSpec};
use crate::storage::PlainStore;

/// The default output name: the input's relative directory, its stem, the output format's
/// extension.
pub const DEFAULT_NAME: &str = "{dir}/{stem}.{ext}";

/// One file to process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// Index of the input (and its store) the file came from.
    pub input: usize,
    /// The file's path relative to its input's root.
    pub rel: String,
    /// Its size in bytes.
    pub size: u64,
    /// The output's path relative to `--out`.
    pub out: String,
}

/// A listed input: its store and the files to take from it.
pub struct Listed {
    /// The folder or prefix the relative paths are relative to.
    pub store: PlainStore,
    /// How the user named it (for messages and the report).
    pub name: String,
    /// (relative path, size) of each file, sorted.
    pub files: Vec<(String, u64)>,
}

/// A usage error (exit code 2): a bad argument, a missing input, an output name collision.
pub fn usage(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidArgument, message)
}

/// The format a file is guessed to hold from its extension (case ignored); `None` for files that
/// are not images by name.
pub fn format_by_extension(path: &str) -> Option<Format> {
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "jpg" | "jpeg" | "jpe" | "jfif" => Format::Jpg,
        "png" => Format::Png,
        "webp" => Format::Webp,
        "gif" => Format::Gif,
        "bmp" | "dib" => Format::Bmp,
        "tif" | "tiff" => Format::Tiff,
        "heic" | "heif" => Format::Heic,
        "avif" => Format::Avif,
        _ => return None,
    })
}

/// Lists one INPUT: a file named explicitly (taken whatever its extension), a folder or a
/// `file://` URL (recursive), or an `s3://bucket/prefix`; in folders and prefixes only files
/// named like images are taken (others are skipped silently).
pub async fn list(input: &str) -> Result<Listed> {
    let local = !input.contains("://");
    if local && std::path::Path::new(input).is_file() {
        let path = std::path::Path::new(input);
        let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
        let dir = parent.map_or_else(|| ".".to_owned(), |p| p.to_string_lossy().into_owned());
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        return Ok(Listed {
            store: PlainStore::open(&dir, false)?,
            name: input.to_owned(),
            files: vec![(name, size)],
        });
    }
    if local && !std::path::Path::new(input).is_dir() {
        return Err(usage(format!("{input}: no such file or directory")));
    }
    let store = PlainStore::open(input, false)?;
    let files = store
        .list()
        .await?
        .into_iter()
        .filter(|e| format_by_extension(&e.path).is_some())
        .map(|e| (e.path, e.size))
        .collect();
    Ok(Listed { store, name: input.to_owned(), files })
}

/// `--include`/`--exclude` patterns, matched against the path relative to the input's root:
/// `*` and `?` stay within one path segment, `**` crosses directories, and a pattern without `/`
/// matches the file name at any depth (`*.png` ≡ `**/*.png`).
pub fn globs(patterns: &[String]) -> Result<Option<GlobSet>> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut set = GlobSetBuilder::new();
    for p in patterns {
        let full = if p.contains('/') { p.clone() } else { format!("**/{p}") };
        let glob = GlobBuilder::new(&full)
            .literal_separator(true)
            .build()
            .map_err(|e| usage(format!("bad pattern {p:?}: {e}")))?;
        set.add(glob);
    }
    set.build().map(Some).map_err(|e| usage(format!("bad patterns: {e}")))
}

/// The extension of what `spec` writes for a source guessed to be `source`: `json` for `info`
/// and `average-hue`, else the output format's (`jpg`, `png`, `webp`, …).
pub fn output_extension(spec: &ProcessSpec, source: Format) -> &'static str {
    if spec.actions.iter().any(|a| matches!(a, Action::Info | Action::AverageHue)) {
        return "json";
    }
    plan::output_format_for(spec, source).name()
}

/// Fills a `--name` template for the input at `rel` (relative to its root): `{dir}` (the
/// relative directory, empty at the root), `{stem}` (the file name without its last extension),
/// `{ext}` (the output's extension) and `{hash}` (16 hex digits of the SHA-256 of `rel`). The
/// result is cleaned of empty and `.` segments (so `{dir}/{stem}` at the root is `stem`); a
/// template that leaves nothing, or a `..` segment, is a usage error.
pub fn output_name(template: &str, rel: &str, ext: &str) -> Result<String> {
    let (dir, file) = rel.rsplit_once('/').unwrap_or(("", rel));
    let stem = match file.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => file,
    };
    let digest = sha2::Sha256::digest(rel.as_bytes());
    let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let filled = template
        .replace("{dir}", dir)
        .replace("{stem}", stem)
        .replace("{ext}", ext)
        .replace("{hash}", &hash);
    let segments: Vec<&str> = filled.split('/').filter(|s| !s.is_empty() && *s != ".").collect();
    if segments.is_empty() || segments.contains(&"..") {
        return Err(usage(format!("--name {template:?} gives no valid name for {rel:?}")));
    }
    Ok(segments.join("/"))
}

/// The selection of a batch.
pub struct Select<'a> {
    /// The resolved cascade (for the output extension).
    pub spec: &'a ProcessSpec,
    /// The `--name` template.
    pub template: &'a str,
    /// `--include` patterns (none: every file).
    pub include: Option<&'a GlobSet>,
    /// `--exclude` patterns.
    pub exclude: Option<&'a GlobSet>,
    /// `--shard I/N`: this machine's share of the sorted list.
    pub shard: Option<(u32, u32)>,
}

/// The tasks of a batch: every listed file that passes the filters, in input order then path
/// order, split by shard (the file at position `k` of that list goes to shard `k mod N`, so N
/// machines with I = 0..N−1 each get a disjoint part and together all of it), each with its
/// output name. Two files mapping to one output name are a usage error naming both.
pub fn tasks(listed: &[Listed], select: &Select<'_>) -> Result<Vec<Task>> {
    let mut all = Vec::new();
    for (i, l) in listed.iter().enumerate() {
        let explicit = l.files.len() == 1 && std::path::Path::new(&l.name).is_file();
        for (rel, size) in &l.files {
            if !explicit {
                if select.include.is_some_and(|g| !g.is_match(rel)) {
                    continue;
                }
                if select.exclude.is_some_and(|g| g.is_match(rel)) {
                    continue;
                }
            }
            all.push((i, rel.clone(), *size));
        }
    }
    let mut tasks = Vec::new();
    let mut names: HashMap<String, String> = HashMap::new();
    for (k, (input, rel, size)) in all.into_iter().enumerate() {
        if let Some((i, n)) = select.shard {
            if k as u64 % u64::from(n) != u64::from(i) {
                continue;
            }
        }
        let source = format_by_extension(&rel)
            .or_else(|| sniff_local(&listed[input].name))
            .unwrap_or(Format::Jpg);
        let out = output_name(select.template, &rel, output_extension(select.spec, source))?;
        let shown = format!("{}:{rel}", listed[input].name);
        if let Some(first) = names.insert(out.clone(), shown.clone()) {
            return Err(usage(format!("{first} and {shown} would both be written as {out}")));
        }
        tasks.push(Task { input, rel, size, out });
    }
    Ok(tasks)
}

/// The format of a local file named explicitly without an image extension, from its header.
fn sniff_local(path: &str) -> Option<Format> {
    let mut head = vec![0u8; 64];
    let n = std::io::Read::read(&mut std::fs::File::open(path).ok()?, &mut head).ok()?;
    codec::sniff(&head[..n])
}

/// Parses `--shard I/N` (0 ≤ I < N).
pub fn parse_shard(s: &str) -> Result<(u32, u32)> {
    let bad = || usage(format!("--shard expects I/N with 0 <= I < N, got {s:?}"));
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (i, n): (u32, u32) =
        (i.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
    if n == 0 || i >= n {
        return Err(bad());
    }
    Ok((i, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(s: &str) -> ProcessSpec {
        crate::process::resolve(s, &|_| None).unwrap()
    }

    #[test]
    fn names_follow_the_template() {
        assert_eq!(output_name(DEFAULT_NAME, "a/b/c.png", "webp").unwrap(), "a/b/c.webp");
        assert_eq!(output_name(DEFAULT_NAME, "c.png", "webp").unwrap(), "c.webp");
        assert_eq!(output_name(DEFAULT_NAME, ".hidden", "png").unwrap(), ".hidden.png");
        assert_eq!(
            output_name("{stem}-{hash}.{ext}", "x/y.jpg", "jpg").unwrap().len(),
            "y-.jpg".len() + 16
        );
        assert_ne!(
            output_name("{hash}", "x/y.jpg", "jpg").unwrap(),
            output_name("{hash}", "x/z.jpg", "jpg").unwrap()
        );
        assert_eq!(
            output_name("thumbs/{dir}/{stem}_300.{ext}", "a/b.tif", "jpg").unwrap(),
            "thumbs/a/b_300.jpg"
        );
        assert!(output_name("{dir}", "top.png", "png").is_err());
        assert!(output_name("../{stem}", "a.png", "png").is_err());
    }

    #[test]
    fn extensions_follow_the_output_format() {
        let webp = spec("image/resize,w_10/format,webp");
        assert_eq!(output_extension(&webp, Format::Png), "webp");
        let keep = spec("image/resize,w_10");
        assert_eq!(output_extension(&keep, Format::Png), "png");
        assert_eq!(output_extension(&keep, Format::Tiff), "tiff");
        // format,gif applies to GIF sources only (spec §3.12).
        let gif = spec("image/format,gif");
        assert_eq!(output_extension(&gif, Format::Jpg), "jpg");
        assert_eq!(output_extension(&gif, Format::Gif), "gif");
        assert_eq!(output_extension(&spec("image/info"), Format::Jpg), "json");
        assert_eq!(format_by_extension("A/B.JPEG"), Some(Format::Jpg));
        assert_eq!(format_by_extension("notes.txt"), None);
        assert_eq!(format_by_extension("noext"), None);
    }

    #[test]
    fn globs_and_shards() {
        let g = globs(&["*.png".into(), "keep/**".into()]).unwrap().unwrap();
        assert!(g.is_match("a.png") && g.is_match("deep/er/a.png") && g.is_match("keep/x/y.jpg"));
        assert!(!g.is_match("a.jpg") && !g.is_match("other/keep/y.jpg"));
        let one = globs(&["a/*.jpg".into()]).unwrap().unwrap();
        assert!(one.is_match("a/x.jpg") && !one.is_match("a/b/x.jpg"));
        assert!(globs(&[]).unwrap().is_none());
        assert!(globs(&["[".into()]).is_err());
        assert_eq!(parse_shard("1/3").unwrap(), (1, 3));
        for bad in ["3/3", "0/0", "x/2", "1", "-1/2"] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tasks_filter_shard_and_refuse_collisions() {
        let dir = std::env::temp_dir();
        let store = PlainStore::open(dir.to_str().unwrap(), false).unwrap();
        let listed = vec![Listed {
            store,
            name: "in".into(),
            files: (0..10).map(|i| (format!("d{}/f{i}.png", i % 2), 1)).collect(),
        }];
        let s = spec("image/format,webp");
        let all =
            Select { spec: &s, template: DEFAULT_NAME, include: None, exclude: None, shard: None };
        let t = tasks(&listed, &all).unwrap();
        assert_eq!(t.len(), 10);
        assert_eq!(t[3].out, "d1/f3.webp");
        // Shards: disjoint, and together everything.
        let mut union: Vec<String> = Vec::new();
        for i in 0..3 {
            let part = tasks(&listed, &Select { shard: Some((i, 3)), ..all }).unwrap();
            assert!(part.len() >= 3);
            union.extend(part.into_iter().map(|t| t.rel));
        }
        union.sort();
        let mut want: Vec<String> = t.iter().map(|t| t.rel.clone()).collect();
        want.sort();
        assert_eq!(union, want);
        // Filters.
        let ex = globs(&["d1/**".into()]).unwrap();
        assert_eq!(tasks(&listed, &Select { exclude: ex.as_ref(), ..all }).unwrap().len(), 5);
        // Two inputs onto one name.
        let flat = Select { template: "{stem}.{ext}", ..all };
        let mut twice = listed[0].files.clone();
        twice.push(("d9/f1.png".into(), 1));
        let dup = vec![Listed { files: twice, ..listed.into_iter().next().unwrap() }];
        let e = tasks(&dup, &flat).unwrap_err();
        assert!(
            e.message.contains("in:d1/f1.png") && e.message.contains("in:d9/f1.png"),
            "{}",
            e.message
        );
    }
}
