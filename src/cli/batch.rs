//! `ossimg batch --process <PROCESS> --out <DEST> [OPTIONS] <INPUT>...`: the command line of
//! [`crate::batch`]. Exit codes: 0 when every file succeeded or was skipped, 1 when any failed,
//! 2 on a usage error (nothing processed), 130 when interrupted (Ctrl-C: the files in flight are
//! finished and the report is written).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::Context as _;

use crate::backend::{BackendChoice, Engine};
use crate::batch::{self, inputs};
use crate::process;

/// Arguments of `ossimg batch`.
#[derive(Debug, clap::Args)]
pub struct BatchArgs {
    /// Files, folders (recursive) or store URLs (`s3://bucket/prefix`, `file:///dir`) of plain
    /// images. In folders and prefixes, files not named like images are skipped.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// The x-oss-process value (`image/resize,w_300/format,webp`) or `style/NAME`.
    #[arg(long, value_name = "PROCESS")]
    pub process: String,
    /// A named style for `style/<name>`, as `name=image/...`; may be repeated.
    #[arg(long = "style", value_name = "NAME=CONTENT")]
    pub styles: Vec<String>,
    /// Where outputs go: a folder or a store URL (`s3://bucket/prefix`).
    #[arg(long, value_name = "DEST")]
    pub out: String,
    /// Output name template: `{dir}` (relative directory), `{stem}`, `{ext}` (the output format's
    /// extension), `{hash}` (of the input's relative path).
    #[arg(long, value_name = "TEMPLATE", default_value = inputs::DEFAULT_NAME)]
    pub name: String,
    /// Only files whose path relative to their INPUT matches (repeatable; `**` crosses
    /// directories; a pattern without `/` matches the file name at any depth).
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Leave out files whose relative path matches (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Jobs at once on the CPU worker threads (default: the number of cores).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// The engine: auto, gpu or cpu (default: `OSSIMG_BACKEND`, else auto).
    #[arg(long)]
    pub backend: Option<BackendChoice>,
    /// The folder or store URL image watermarks' keys are read from (stands in for the bucket).
    #[arg(long, value_name = "DIR|URL")]
    pub objects: Option<String>,
    /// Resume: an output that exists is not redone.
    #[arg(long)]
    pub skip_existing: bool,
    /// Do only the share I of N of the sorted input list (`--shard 0/3`, `1/3`, `2/3` together
    /// do every file once).
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Write a JSON report here (succeeded, skipped, failed, seconds, images_per_second, …).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Print what would be done; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// No progress or summary on stderr.
    #[arg(long, short)]
    pub quiet: bool,
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
}

/// Runs `ossimg batch`.
pub fn run(args: BatchArgs) -> ExitCode {
    match execute(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ossimg: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn execute(args: BatchArgs) -> anyhow::Result<ExitCode> {
    let choice = super::backend_choice(args.backend).map_err(anyhow::Error::msg)?;
    let styles = super::parse_styles(&args.styles)?;
    let spec = process::resolve(&args.process, &|name| {
        styles.iter().find(|(n, _)| n == name).map(|(_, c)| c.clone())
    })?;
    let shard = args.shard.as_deref().map(inputs::parse_shard).transpose()?;
    let fonts = super::text_renderer(&args.fonts, &spec)?.map(Arc::new);
    let jobs =
        args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let engine = if args.dry_run { Engine::Cpu } else { Engine::select(choice)? };
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    rt.block_on(async move {
        let objects = super::read_watermark_objects(args.objects.as_deref(), &spec).await?;
        let cancel = Arc::new(AtomicBool::new(false));
        let on_signal = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_signal.store(true, Ordering::SeqCst);
                eprintln!("ossimg: interrupted: finishing the files in flight");
            }
        });
        let opts = batch::Options {
            spec,
            inputs: args.inputs,
            out: args.out,
            name: args.name,
            include: args.include,
            exclude: args.exclude,
            jobs: jobs.max(1),
            engine,
            objects: Arc::new(objects),
            fonts,
            plan: crate::plan::Options {
                shrink_on_load: args.shrink_on_load.unwrap_or_default(),
                jpeg_quantiser: args.jpeg_quantiser.unwrap_or_default(),
            },
            skip_existing: args.skip_existing,
            shard,
            dry_run: args.dry_run,
            progress: !args.quiet,
        };
        let report = batch::run(opts, cancel).await?;
        if let Some(path) = &args.report {
            let json = serde_json::to_string_pretty(&report)?;
            std::fs::write(path, json + "\n")
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok(if report.cancelled {
            ExitCode::from(130)
        } else if report.failed.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        })
    })
}
