//! `ossimg process <INPUT> <PROCESS> [-o OUTPUT] [--backend …] [--style name=content …]`.

use anyhow::Context as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::backend::gpu::GpuBackend;
use crate::backend::{BackendChoice, Engine, Workload};
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
    /// Where to write the result (image or JSON); standard output when absent or `-`.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// The engine: auto, gpu or cpu (default: `OSSIMG_BACKEND`, else auto).
    #[arg(long)]
    pub backend: Option<BackendChoice>,
    /// A named style for `style/<name>`, as `name=image/...`; may be repeated.
    #[arg(long = "style", value_name = "NAME=CONTENT")]
    pub styles: Vec<String>,
    /// The folder (or store URL) that stands in for the bucket of image watermarks: the key
    /// `pics/a.png` (with its own nested process) is read from `DIR/pics/a.png`.
    #[arg(long, value_name = "DIR|URL")]
    pub objects: Option<PathBuf>,
    /// Shrink-on-load rule for JPEG sources: `quality` (default: the decoded image stays ≥ 2× the
    /// resize target) or `fast` (≥ 1×, sharp's fastShrinkOnLoad; faster, visibly softer).
    #[arg(long, env = "OSSIMG_SHRINK_ON_LOAD", value_name = "quality|fast")]
    pub shrink_on_load: Option<crate::plan::ShrinkOnLoad>,
    /// JPEG quantisation: `auto` (default: trellis for outputs up to 1 MP, smaller files),
    /// `trellis` (always; smallest files, slower encode) or `round` (libjpeg-turbo's, fastest).
    #[arg(long, env = "OSSIMG_JPEG_QUANTISER", value_name = "auto|trellis|round")]
    pub jpeg_quantiser: Option<crate::plan::JpegQuantiser>,
    /// Fonts for text watermarks.
    #[command(flatten)]
    pub fonts: super::FontArgs,
    /// Say on stderr which engine was chosen and why, what the GPU drivers printed while they
    /// loaded (kept off stderr otherwise), and the job's own time in the process.
    #[arg(short, long)]
    pub verbose: bool,
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
    let styles = super::parse_styles(&args.styles)?;
    let process_string = normalise_process_arg(&args.process)?;
    let spec = process::resolve(&process_string, &|name| {
        styles.iter().find(|(n, _)| n == name).map(|(_, c)| c.clone())
    })?;
    let source = read_source(&args.input).map_err(|e| {
        Error::new(ErrorKind::NoSuchKey, format!("cannot read {}: {e}", args.input.display()))
    })?;
    let objects = match spec.watermark_keys().is_empty() {
        true => job::WatermarkObjects::new(),
        // The store API is async; a current-thread runtime for this one read is cheap.
        false => tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(
            super::read_watermark_objects(args.objects.as_deref().and_then(Path::to_str), &spec),
        )?,
    };
    let fonts = super::text_renderer(&args.fonts, &spec)?;
    let options = crate::plan::Options {
        shrink_on_load: args.shrink_on_load.unwrap_or_default(),
        jpeg_quantiser: args.jpeg_quantiser.unwrap_or_default(),
    };
    let engine = choose_engine(choice, &source, &spec, &options, args.verbose)?;
    let resources = job::Resources { fonts: fonts.as_ref(), objects: Some(&objects), options };
    let started = std::time::Instant::now();
    let output = job::run_with(&source, &spec, engine, resources)?;
    if args.verbose {
        let ms = started.elapsed().as_secs_f64() * 1e3;
        eprintln!("ossimg: job: {ms:.2} ms in process (decode, stages, encode)");
    }
    match args.output.as_deref().filter(|p| *p != Path::new("-")) {
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

/// The input file's bytes: a regular file of [`MAP_AT_LEAST`] bytes or more is mapped (its page-cache
/// pages, faulted in at once), anything else read. Reading a 3 MB photo copies it (~1.4 ms of
/// kernel time, plus faulting in the fresh buffer) before the job starts; mapping skips both.
enum Source {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

/// Below this a plain read is as cheap as setting up a map.
const MAP_AT_LEAST: u64 = 256 * 1024;

impl std::ops::Deref for Source {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Source::Mapped(map) => map,
            Source::Read(bytes) => bytes,
        }
    }
}

fn read_source(path: &Path) -> std::io::Result<Source> {
    let mut file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if meta.is_file() && meta.len() >= MAP_AT_LEAST {
        // SAFETY: the map is private and read-only. What mapping cannot rule out is another
        // process changing or truncating the file during this one-shot job (the decoders would
        // see changed bytes; a truncation raises SIGBUS), the trade mapping readers such as
        // ripgrep make for files the user named.
        let map = unsafe { memmap2::MmapOptions::new().populate().map(&file) }?;
        return Ok(Source::Mapped(map));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    std::io::Read::read_to_end(&mut file, &mut bytes)?;
    Ok(Source::Read(bytes))
}

/// The engine for this one job: `auto` weighs the planned work against the GPU's start-up
/// ([`Workload::One`]) before looking for a GPU; a plan that fails here is left for the job to
/// report. With `verbose`, says which path was taken and what the GPU drivers printed.
fn choose_engine(
    choice: BackendChoice,
    source: &[u8],
    spec: &process::ProcessSpec,
    options: &crate::plan::Options,
    verbose: bool,
) -> crate::Result<Engine> {
    let work = match choice {
        BackendChoice::Auto => job::planned_work(source, spec, options).ok().flatten(),
        _ => None,
    };
    let workload = match &work {
        Some(w) => {
            Workload::One { stages: &w.stages, width: w.width, height: w.height, frames: w.frames }
        }
        None if choice == BackendChoice::Auto => {
            Workload::One { stages: &[], width: 0, height: 0, frames: 1 }
        }
        None => Workload::Many,
    };
    let selection = Engine::choose(choice, workload)?;
    if verbose {
        eprintln!("ossimg: engine: {}", selection.why);
        for line in GpuBackend::driver_output().lines().filter(|l| !l.trim().is_empty()) {
            eprintln!("ossimg: GPU driver said: {line}");
        }
    }
    Ok(selection.engine)
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
/// never leaves a partial output file and a reader never sees one. Not fsynced, as `cp` and
/// `vipsthumbnail` do not: a flush costs a whole-process run 1–20 ms depending on the disk, and
/// surviving a power cut mid-write is the filesystem's concern (ext4's `auto_da_alloc` flushes
/// a file renamed over another). A `path` that exists and is not a regular file (`/dev/null`,
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
