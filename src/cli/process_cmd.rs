//! `ossimg process <INPUT> <PROCESS> [-o OUTPUT] [--backend …] [--style name=content …]`.

use anyhow::Context as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::backend::{BackendChoice, Engine};
use crate::error::{Error, ErrorKind};
use crate::{job, process};

/// Arguments of `ossimg process`.
#[derive(Debug, clap::Args)]
pub struct ProcessArgs {
    /// The source image file.
    pub input: PathBuf,
    /// The x-oss-process value, e.g. `image/resize,w_100/rotate,90` or `style/<name>`; a leading
    /// `x-oss-process=` and URL percent-encoding are accepted as copied from a URL.
    pub process: String,
    /// Where to write the result (image or JSON); standard output when absent.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// The engine: auto, gpu or cpu (default: `OSSIMG_BACKEND`, else auto).
    #[arg(long)]
    pub backend: Option<BackendChoice>,
    /// A named style for `style/<name>`, as `name=image/...`; may be repeated.
    #[arg(long = "style", value_name = "NAME=CONTENT")]
    pub styles: Vec<String>,
    /// The directory that stands in for the bucket of image watermarks: the key `pics/a.png`
    /// (with its own nested process) is read from `DIR/pics/a.png`.
    #[arg(long, value_name = "DIR")]
    pub objects: Option<PathBuf>,
    /// Fonts for text watermarks.
    #[command(flatten)]
    pub fonts: super::FontArgs,
}

/// Runs `ossimg process`; errors go to stderr as `Code: message (EC …)` with the kind's exit code,
/// and no output file is left behind.
pub fn run(args: ProcessArgs) -> ExitCode {
    match execute(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let code = match err.downcast_ref::<Error>() {
                Some(e) => e.kind.exit_code(),
                None => 1,
            };
            eprintln!("ossimg: {err:#}");
            ExitCode::from(u8::try_from(code).unwrap_or(1))
        }
    }
}

fn execute(args: &ProcessArgs) -> anyhow::Result<()> {
    let choice = super::backend_choice(args.backend).map_err(anyhow::Error::msg)?;
    let engine = Engine::select(choice)?;
    let styles = super::parse_styles(&args.styles)?;
    let process_string = normalise_process_arg(&args.process)?;
    let spec = process::resolve(&process_string, &|name| {
        styles.iter().find(|(n, _)| n == name).map(|(_, c)| c.clone())
    })?;
    let source = std::fs::read(&args.input).map_err(|e| {
        Error::new(ErrorKind::NoSuchKey, format!("cannot read {}: {e}", args.input.display()))
    })?;
    let objects = read_objects(args.objects.as_deref(), &spec)?;
    let has_text =
        spec.actions.iter().any(|a| matches!(a, process::Action::Watermark(w) if w.text.is_some()));
    let fonts = match has_text {
        true => Some(
            crate::watermark::TextRenderer::new(
                args.fonts.config(None, &std::collections::HashMap::new())?,
            )
            .context("fonts")?,
        ),
        false => None,
    };
    let resources = job::Resources { fonts: fonts.as_ref(), objects: Some(&objects) };
    let output = job::run_with(&source, &spec, engine, resources)?;
    match &args.output {
        Some(path) => write_atomically(path, output.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(output.as_bytes())?;
            if matches!(output, job::Output::Json(_)) {
                stdout.write_all(b"\n")?;
            }
            stdout.flush()?;
        }
    }
    Ok(())
}

/// Reads the objects the cascade's image watermarks name from `dir` (`--objects`), which stands
/// in for the bucket. A key is a relative path inside `dir`: one that would leave it (`..`, an
/// absolute path) is refused like a key OSS would refuse; a missing file is `WatermarkError`; a
/// cascade with image watermarks and no `--objects` is an error naming the option.
fn read_objects(
    dir: Option<&Path>,
    spec: &process::ProcessSpec,
) -> Result<job::WatermarkObjects, Error> {
    let mut objects = job::WatermarkObjects::new();
    for key in spec.watermark_keys() {
        let Some(dir) = dir else {
            return Err(Error::new(
                ErrorKind::WatermarkError,
                format!(
                    "the image watermark \"{key}\" needs --objects DIR (the directory that stands in for the bucket)"
                ),
            ));
        };
        let relative = Path::new(key);
        let inside = relative.components().all(|c| matches!(c, std::path::Component::Normal(_)));
        if !inside {
            return Err(Error::new(
                ErrorKind::InvalidObjectName,
                format!("the watermark key \"{key}\" is not a path inside --objects"),
            ));
        }
        let path = dir.join(relative);
        let size = std::fs::metadata(&path).map(|m| m.len()).map_err(|_| {
            Error::new(
                ErrorKind::WatermarkError,
                format!(
                    "the watermark object \"{key}\" does not exist ({} not found)",
                    path.display()
                ),
            )
        })?;
        job::check_source_size(size)?;
        let bytes = std::fs::read(&path).map_err(|e| {
            Error::new(ErrorKind::WatermarkError, format!("cannot read {}: {e}", path.display()))
        })?;
        objects.insert(key.to_owned(), bytes.into());
    }
    Ok(objects)
}

/// Accepts the value as copied from a URL: strips `x-oss-process=` and percent-decodes.
fn normalise_process_arg(raw: &str) -> Result<String, Error> {
    let raw = raw.strip_prefix("x-oss-process=").unwrap_or(raw);
    if !raw.contains('%') {
        return Ok(raw.to_string());
    }
    crate::api::wire::percent_decode(raw).ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidArgument,
            "the process string is not valid percent-encoded UTF-8",
        )
    })
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`, so a failure
/// never leaves a partial output file. A `path` that exists and is not a regular file (`/dev/null`,
/// `/dev/stdout`, a FIFO) is written in place: renaming over it would replace the device.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        let mut f = std::fs::OpenOptions::new().write(true).open(path)?;
        return f.write_all(bytes);
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_are_written_in_place_not_replaced() {
        write_atomically(Path::new("/dev/null"), b"discarded").unwrap();
        let m = std::fs::metadata("/dev/null").unwrap();
        assert!(!m.is_file(), "/dev/null must stay a device");
    }

    #[test]
    fn process_argument_is_accepted_as_copied_from_a_url() {
        assert_eq!(normalise_process_arg("image/resize,w_100").unwrap(), "image/resize,w_100");
        assert_eq!(
            normalise_process_arg("x-oss-process=image%2Fresize%2Cw_100").unwrap(),
            "image/resize,w_100"
        );
        assert_eq!(normalise_process_arg("image%2").unwrap_err().kind, ErrorKind::InvalidArgument);
    }

    #[test]
    fn styles_are_name_content_pairs() {
        let s = super::super::parse_styles(&["small=image/resize,w_10".to_string()]).unwrap();
        assert_eq!(s, vec![("small".to_string(), "image/resize,w_10".to_string())]);
        assert!(super::super::parse_styles(&["nope".to_string()]).is_err());
    }
}
