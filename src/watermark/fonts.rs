//! The font set: the faces loaded (system fonts, `--font-dir`, mapped files), the face each of the
//! seven OSS font names resolves to, and the face that draws a character the requested font lacks
//! (the fallback chain), with a bounded char → face cache.

use super::FontConfig;
use crate::process::FONTS;
use crate::{Error, ErrorKind, Result};
use rustybuzz::ttf_parser;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The family each OSS font name resolves to unless the configuration maps it elsewhere, in the
/// order of [`FONTS`] (the table and the reasons are in the module doc).
pub(super) const DEFAULT_FAMILIES: [&str; 7] = [
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "AR PL SungtiL GB",
    "AR PL KaitiM GB",
    "WenQuanYi Zen Hei Sharp",
    "AR PL UMing CN",
    "Droid Sans Fallback",
];

/// Families tried right after the seven OSS fonts, before every other face: DejaVu Sans
/// (fonts-dejavu-core) covers Latin, Greek, Cyrillic and many symbols the CJK fonts lack.
const PREFERRED_FALLBACK: [&str; 1] = ["DejaVu Sans"];

/// Most entries of the char → face cache; past it the cache is emptied at once. A server sees a
/// few thousand distinct (font, character) pairs; an entry is about 24 bytes.
const LOOKUP_CACHE_ENTRIES: usize = 65_536;

/// The bytes of a font file, memory-mapped and shared by every face of the file.
type FontData = Arc<dyn AsRef<[u8]> + Send + Sync>;

/// One loaded face (a `.ttc` holds several).
pub(super) struct Face {
    /// Every family name the face declares (English first), as matched by the mapping.
    families: Vec<String>,
    /// The file it comes from (canonical when it could be resolved).
    path: PathBuf,
    /// The face's index in its file.
    index: u32,
    /// How far the face is from the regular one of its family: 0 = upright, weight 400, normal
    /// width; italics, other weights and widths rank higher (worse).
    rank: u32,
    data: FontData,
}

impl Face {
    /// The file's bytes.
    pub(super) fn data(&self) -> &[u8] {
        (*self.data).as_ref()
    }

    /// The face's index in its file.
    pub(super) fn index(&self) -> u32 {
        self.index
    }

    /// The face, parsed (cheap: table directory and headers; the glyph data stays mapped).
    pub(super) fn parse(&self) -> Option<ttf_parser::Face<'_>> {
        ttf_parser::Face::parse(self.data(), self.index).ok()
    }

    /// "Family (file[, face N])", for logs.
    pub(super) fn describe(&self) -> String {
        let family = self.families.first().map(String::as_str).unwrap_or("?");
        match self.index {
            0 => format!("{family} ({})", self.path.display()),
            i => format!("{family} ({}, face {i})", self.path.display()),
        }
    }

    /// True when the face's character map has `c` (glyph 0, `.notdef`, does not count).
    fn has_char(&self, c: char) -> bool {
        self.parse().and_then(|f| f.glyph_index(c)).is_some_and(|g| g.0 != 0)
    }
}

/// What one OSS font name is mapped to.
enum Target {
    /// A family name, matched against every loaded face.
    Family(String),
    /// A font file (canonical path); its most regular face is used.
    File(PathBuf),
}

/// The loaded faces and how OSS font names and characters resolve to them. Immutable after
/// [`FontSet::load`] except for the lookup cache.
pub(super) struct FontSet {
    faces: Vec<Face>,
    /// The face of each OSS name, in the order of [`FONTS`]; `None` when not installed.
    oss: [Option<usize>; 7],
    /// The faces tried after the seven OSS fonts: [`PREFERRED_FALLBACK`], then every other
    /// face, regular faces first, by family name and path (deterministic whatever order the
    /// directories list in).
    others: Vec<usize>,
    /// (OSS slot, character) → the face that draws it (`None`: no loaded face has it).
    lookup: Mutex<HashMap<(u8, char), Option<usize>>>,
}

/// A configuration error (start-up): `InvalidArgument` with the message.
fn config_error(message: String) -> Error {
    Error::new(ErrorKind::InvalidArgument, message)
}

/// True when a mapping target names a file rather than a family: it has a path separator or a
/// font file extension.
fn is_path(target: &str) -> bool {
    let lower = target.to_ascii_lowercase();
    target.contains('/')
        || target.contains(std::path::MAIN_SEPARATOR)
        || [".ttf", ".otf", ".ttc", ".otc"].iter().any(|e| lower.ends_with(e))
}

/// The file path of a database face, when it comes from a file.
fn source_path(info: &fontdb::FaceInfo) -> Option<&Path> {
    match &info.source {
        fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => Some(p),
        fontdb::Source::Binary(_) => None,
    }
}

/// `path` canonicalised, or as it is when that fails.
fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// How far a face is from its family's regular face (see [`Face::rank`]).
fn rank(info: &fontdb::FaceInfo) -> u32 {
    let style = if info.style == fontdb::Style::Normal { 0 } else { 10_000 };
    let weight = u32::from(info.weight.0.abs_diff(400));
    let stretch = 100 * u32::from(info.stretch.to_number().abs_diff(5));
    style + weight + stretch
}

/// The best (most regular, then first) of `candidates`.
fn most_regular(faces: &[Face], candidates: impl Iterator<Item = usize>) -> Option<usize> {
    candidates.min_by_key(|&i| (faces[i].rank, i))
}

impl FontSet {
    /// Loads the fonts of `cfg` and resolves the OSS names (see [`super::TextRenderer::new`]).
    pub(super) fn load(cfg: &FontConfig) -> Result<FontSet> {
        let mut db = fontdb::Database::new();
        if cfg.system_fonts {
            db.load_system_fonts();
        }
        for dir in &cfg.font_dirs {
            if !dir.is_dir() {
                return Err(config_error(format!(
                    "font dir {}: not a directory (or not readable)",
                    dir.display()
                )));
            }
            db.load_fonts_dir(dir);
        }
        let mut targets: [Target; 7] = DEFAULT_FAMILIES.map(|f| Target::Family(f.to_owned()));
        for (name, target) in &cfg.mapping {
            let slot = FONTS.iter().position(|f| f == name).ok_or_else(|| {
                config_error(format!(
                    "font mapping: \"{name}\" is not an OSS font name (one of {})",
                    FONTS.join(", ")
                ))
            })?;
            targets[slot] = if is_path(target) {
                Target::File(load_file(&mut db, name, target)?)
            } else {
                Target::Family(target.clone())
            };
        }
        let faces = map_faces(&mut db);
        let oss = targets.map(|t| match t {
            Target::Family(family) => most_regular(
                &faces,
                (0..faces.len())
                    .filter(|&i| faces[i].families.iter().any(|f| f.eq_ignore_ascii_case(&family))),
            ),
            Target::File(path) => {
                most_regular(&faces, (0..faces.len()).filter(|&i| faces[i].path == path))
            }
        });
        let mut others: Vec<usize> = PREFERRED_FALLBACK
            .iter()
            .filter_map(|family| {
                most_regular(
                    &faces,
                    (0..faces.len()).filter(|&i| {
                        faces[i].families.iter().any(|f| f.eq_ignore_ascii_case(family))
                    }),
                )
            })
            .collect();
        let mut rest: Vec<usize> = (0..faces.len()).filter(|i| !others.contains(i)).collect();
        rest.sort_by(|&a, &b| {
            let key = |i: usize| {
                let f = &faces[i];
                (f.rank != 0, f.families.first().map(|s| s.to_lowercase()), &f.path, f.index)
            };
            key(a).cmp(&key(b))
        });
        others.extend(rest);
        Ok(FontSet { faces, oss, others, lookup: Mutex::new(HashMap::new()) })
    }

    /// The face `i`.
    pub(super) fn face(&self, i: usize) -> &Face {
        &self.faces[i]
    }

    /// The face the OSS font of `slot` (an index into [`FONTS`]) resolves to.
    pub(super) fn oss_face(&self, slot: usize) -> Option<usize> {
        self.oss.get(slot).copied().flatten()
    }

    /// For each OSS name, the face it resolves to, described.
    pub(super) fn describe(&self) -> Vec<(&'static str, Option<String>)> {
        FONTS.iter().zip(self.oss).map(|(&n, f)| (n, f.map(|i| self.faces[i].describe()))).collect()
    }

    /// For each character of `chars`, the face that draws it for the OSS font `slot` (`None`
    /// for a character no loaded face has): the requested font when its character map has it,
    /// else the first of the other six OSS fonts, in the order of [`FONTS`], then
    /// [`FontSet::others`]. Answers are cached.
    pub(super) fn faces_for(&self, slot: usize, chars: &[char]) -> Vec<Option<usize>> {
        // A poisoned lock only means another render panicked mid-insert: the map is still a
        // valid cache.
        let mut cache = self.lookup.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() > LOOKUP_CACHE_ENTRIES {
            cache.clear();
        }
        let slot8 = slot as u8;
        chars
            .iter()
            .map(|&c| *cache.entry((slot8, c)).or_insert_with(|| self.find_face(slot, c)))
            .collect()
    }

    /// The uncached search of [`FontSet::faces_for`].
    fn find_face(&self, slot: usize, c: char) -> Option<usize> {
        let primary = self.oss_face(slot);
        let oss = (0..FONTS.len()).filter(|&j| j != slot).filter_map(|j| self.oss[j]);
        let mut tried = HashSet::new();
        primary
            .into_iter()
            .chain(oss)
            .chain(self.others.iter().copied())
            .filter(|&i| tried.insert(i))
            .find(|&i| self.faces[i].has_char(c))
    }
}

/// Loads the font file `target` mapped to OSS font `name` into `db` unless a face of it is
/// already there; its canonical path. Errs when the file does not exist or holds no font.
fn load_file(db: &mut fontdb::Database, name: &str, target: &str) -> Result<PathBuf> {
    let path = std::fs::canonicalize(target)
        .map_err(|e| config_error(format!("font mapping {name} → {target}: {e}")))?;
    if !path.is_file() {
        return Err(config_error(format!("font mapping {name} → {target}: not a file")));
    }
    let loaded = |db: &fontdb::Database| {
        db.faces().any(|f| source_path(f).is_some_and(|p| p == path || canonical(p) == path))
    };
    if !loaded(db) {
        db.load_font_file(&path)
            .map_err(|e| config_error(format!("font mapping {name} → {target}: {e}")))?;
        if !loaded(db) {
            return Err(config_error(format!(
                "font mapping {name} → {target}: not a font file (TrueType/OpenType, .ttf/.otf/.ttc)"
            )));
        }
    }
    Ok(path)
}

/// Every face of `db` that comes from a file, each (file, index) once, with its file mapped.
fn map_faces(db: &mut fontdb::Database) -> Vec<Face> {
    let ids: Vec<fontdb::ID> = db.faces().map(|f| f.id).collect();
    let mut seen = HashSet::new();
    let mut faces = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(info) = db.face(id) else { continue };
        let Some(path) = source_path(info).map(canonical) else { continue };
        if !seen.insert((path.clone(), info.index)) {
            continue;
        }
        let families = info.families.iter().map(|(f, _)| f.clone()).collect();
        let rank = rank(info);
        // SAFETY: the file is memory-mapped; the mapping stays valid as long as the file is not
        // truncated in place while we run. Font files are installed system or configuration
        // files (package managers replace them by rename, which leaves our mapping intact) —
        // the same trade FreeType/fontconfig make. Mapping instead of reading keeps a 20 MB CJK
        // font out of memory except for the pages of the glyphs drawn.
        let Some((data, index)) = (unsafe { db.make_shared_face_data(id) }) else { continue };
        faces.push(Face { families, path, index, rank, data });
    }
    faces
}
