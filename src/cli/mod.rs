//! The `ossimg` command line: argument parsing and the subcommands. `main.rs` only calls
//! [`main`].

mod batch;
mod key;
mod migrate;
mod process_cmd;
mod results;
mod serve;
mod serve_ops;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::backend::BackendChoice;
use crate::watermark::FontConfig;

/// Command-line arguments of `ossimg`.
#[derive(Debug, Parser)]
#[command(name = "ossimg", version, about = "OSS IMG-compatible image processing")]
pub struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Process one image file with an x-oss-process string, e.g.
    /// `ossimg process in.jpg image/resize,w_300/format,webp -o out.webp`.
    Process(process_cmd::ProcessArgs),
    /// Run the OSS-compatible HTTP service (embedded default: local store in ./data).
    Serve(serve::ServeArgs),
    /// Process a whole library of plain images (folders or S3 prefixes) with one x-oss-process
    /// string, e.g. `ossimg batch --process image/resize,w_300 --out thumbs/ photos/`.
    Batch(batch::BatchArgs),
    /// Access keys: `ossimg key issue --bucket B [--prefix P] [--read-only] --ttl 1h` prints
    /// temporary credentials (STS-like) that every instance sharing the configuration accepts.
    Key(key::KeyArgs),
    /// Move the objects of S3 buckets created by earlier versions to the ordered layout, and
    /// enter the multipart uploads they began in the upload listing, so listings cost the page:
    /// `ossimg migrate --config ossimg.toml [--bucket B]`. Resumable, idempotent, safe while
    /// serving.
    Migrate(migrate::MigrateArgs),
}

/// Parses the command line, runs the subcommand and maps errors to exit codes (see
/// `error::ErrorKind::exit_code`).
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Process(args) => process_cmd::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Batch(args) => batch::run(args),
        Command::Key(args) => key::run(args),
        Command::Migrate(args) => migrate::run(args),
    }
}

/// Reads the engine choice: the flag when given, else `OSSIMG_BACKEND`, else `auto`.
fn backend_choice(flag: Option<BackendChoice>) -> Result<BackendChoice, String> {
    if let Some(choice) = flag {
        return Ok(choice);
    }
    match std::env::var("OSSIMG_BACKEND") {
        Ok(v) if !v.is_empty() => v.parse(),
        _ => Ok(BackendChoice::Auto),
    }
}

/// `name=content` pairs of `--style`.
pub(crate) fn parse_styles(raw: &[String]) -> anyhow::Result<Vec<(String, String)>> {
    raw.iter()
        .map(|s| {
            let (name, content) = s
                .split_once('=')
                .with_context(|| format!("--style expects NAME=CONTENT, got '{s}'"))?;
            Ok((name.to_string(), content.to_string()))
        })
        .collect()
}

/// The text renderer a cascade needs: built from the font options when it draws a text
/// watermark, else `None` (no font is loaded).
fn text_renderer(
    fonts: &FontArgs,
    spec: &crate::process::ProcessSpec,
) -> anyhow::Result<Option<crate::watermark::TextRenderer>> {
    let has_text = spec
        .actions
        .iter()
        .any(|a| matches!(a, crate::process::Action::Watermark(w) if w.text.is_some()));
    if !has_text {
        return Ok(None);
    }
    let config = fonts.config(None, &std::collections::HashMap::new())?;
    Ok(Some(crate::watermark::TextRenderer::new(config).context("fonts")?))
}

/// Reads the objects the cascade's image watermarks name from `location` (`--objects`: a folder
/// or store URL standing in for the bucket), before any work. A key is a path inside it (`..` is
/// `InvalidObjectName`, never a way out); a missing object is `WatermarkError`; one over 20 MB is
/// refused from its size; image watermarks without `--objects` are an error naming the option.
async fn read_watermark_objects(
    location: Option<&str>,
    spec: &crate::process::ProcessSpec,
) -> Result<crate::job::WatermarkObjects, crate::Error> {
    use crate::error::{Error, ErrorKind};
    let mut objects = crate::job::WatermarkObjects::new();
    let keys = spec.watermark_keys();
    let Some(first) = keys.first() else {
        return Ok(objects);
    };
    let Some(location) = location else {
        return Err(Error::new(
            ErrorKind::WatermarkError,
            format!(
                "the image watermark \"{first}\" needs --objects DIR|URL (the folder or store that stands in for the bucket)"
            ),
        ));
    };
    let store = crate::storage::PlainStore::open(location, false)?;
    for key in keys {
        let size = store.size(key).await?.ok_or_else(|| {
            Error::new(
                ErrorKind::WatermarkError,
                format!("the watermark object \"{key}\" does not exist in {location}"),
            )
        })?;
        crate::job::check_source_size(size)?;
        objects.insert(key.to_owned(), store.get(key).await?);
    }
    Ok(objects)
}

/// The font options of `serve` and `process` (text watermarks).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct FontArgs {
    /// A directory of extra fonts (.ttf/.otf/.ttc, searched recursively) besides the system's;
    /// repeatable (also `OSSIMG_FONT_DIR`, config `font_dir`).
    #[arg(long = "font-dir", value_name = "DIR")]
    pub font_dirs: Vec<PathBuf>,
    /// Maps an OSS font name (`type_`) to an installed family or a font file, `NAME=FAMILY|FILE`,
    /// e.g. `fangzhengkaiti=/srv/fonts/FZKai.ttf`; repeatable (config `[fonts]`).
    #[arg(long = "font", value_name = "NAME=FONT")]
    pub fonts: Vec<String>,
}

impl FontArgs {
    /// The font configuration: the system fonts, then the config file's `font_dir` and
    /// `OSSIMG_FONT_DIR`, then `--font-dir`; the config file's `[fonts]` mapping, overridden by
    /// `--font` pairs.
    fn config(
        &self,
        file_dir: Option<PathBuf>,
        file_fonts: &std::collections::HashMap<String, String>,
    ) -> anyhow::Result<FontConfig> {
        let mut font_dirs: Vec<PathBuf> = file_dir.into_iter().collect();
        if let Some(dir) = std::env::var_os("OSSIMG_FONT_DIR").filter(|v| !v.is_empty()) {
            font_dirs.push(PathBuf::from(dir));
        }
        font_dirs.extend(self.font_dirs.iter().cloned());
        for dir in &font_dirs {
            if !dir.is_dir() {
                anyhow::bail!("font directory {} does not exist", dir.display());
            }
        }
        let mut mapping: Vec<(String, String)> =
            file_fonts.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        mapping.sort();
        for pair in &self.fonts {
            let (name, font) =
                pair.split_once('=').filter(|(n, f)| !n.is_empty() && !f.is_empty()).ok_or_else(
                    || anyhow::anyhow!("--font expects NAME=FAMILY or NAME=FILE, got '{pair}'"),
                )?;
            mapping.push((name.to_owned(), font.to_owned()));
        }
        Ok(FontConfig { system_fonts: true, font_dirs, mapping })
    }
}
