//! `ossimg batch`: one cascade over a whole library of plain images — folders or S3-compatible
//! prefixes in, a folder or prefix out. This module owns the run: listing and naming
//! ([`inputs`]), the bounded pipeline (reads, jobs on the worker pool and the engine, writes,
//! all overlapping), resume (`--skip-existing`), cancellation, progress and the report
//! ([`report`]).
//!
//! Memory stays flat for any library: at most `2 × jobs` files are in flight (read, in a job, or
//! being written), each bounded by the job limits (20 MB sources, spec §2 sizes).

pub mod inputs;
pub mod report;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use futures_util::StreamExt;

use crate::backend::Engine;
use crate::codec;
use crate::error::{Error, Result};
use crate::job::{self, Output, Resources, WatermarkObjects};
use crate::process::ProcessSpec;
use crate::storage::PlainStore;
use crate::watermark::TextRenderer;
use crate::workers::Pool;
use inputs::{Listed, Select, Task};
use report::{Failure, Progress, Report};

/// Everything a batch run needs, resolved from the command line.
pub struct Options {
    /// The cascade (styles already expanded).
    pub spec: ProcessSpec,
    /// The INPUTs: files, folders, `file://` and `s3://` URLs.
    pub inputs: Vec<String>,
    /// Where outputs go: a folder or a store URL.
    pub out: String,
    /// The output name template (`inputs::DEFAULT_NAME` by default).
    pub name: String,
    /// `--include` patterns.
    pub include: Vec<String>,
    /// `--exclude` patterns.
    pub exclude: Vec<String>,
    /// Jobs run at once on the worker pool (CPU threads).
    pub jobs: usize,
    /// The engine the stages run on.
    pub engine: Engine,
    /// Watermark objects named by the cascade, read before the run.
    pub objects: Arc<WatermarkObjects>,
    /// Fonts for text watermarks (`None`: the system's).
    pub fonts: Option<Arc<TextRenderer>>,
    /// Planner settings (the shrink-on-load rule).
    pub plan: crate::plan::Options,
    /// Leave outputs that exist alone.
    pub skip_existing: bool,
    /// `--shard I/N`.
    pub shard: Option<(u32, u32)>,
    /// Print what would be done and write nothing.
    pub dry_run: bool,
    /// Show a progress bar / progress lines on stderr.
    pub progress: bool,
}

/// How one file ended.
enum Outcome {
    Done {
        megapixels: f64,
        bytes_in: u64,
        bytes_out: u64,
    },
    Skipped,
    Failed(Failure),
    /// Not started: the run was cancelled first.
    NotStarted,
}

/// Runs a batch to the end, or until `cancel` is set (Ctrl-C), when the files in flight are
/// finished and the rest are not started. Errors are usage errors found before any work (bad
/// inputs, patterns, colliding names); a file that fails is in the report, not an error.
pub async fn run(opts: Options, cancel: Arc<AtomicBool>) -> Result<Report> {
    let started = Instant::now();
    let include = inputs::globs(&opts.include)?;
    let exclude = inputs::globs(&opts.exclude)?;
    let mut listed: Vec<Listed> = Vec::new();
    for input in &opts.inputs {
        listed.push(inputs::list(input).await?);
    }
    let select = Select {
        spec: &opts.spec,
        template: &opts.name,
        include: include.as_ref(),
        exclude: exclude.as_ref(),
        shard: opts.shard,
    };
    let tasks = inputs::tasks(&listed, &select)?;
    if opts.dry_run {
        for t in &tasks {
            println!(
                "{}:{} -> {}/{}",
                listed[t.input].name,
                t.rel,
                opts.out.trim_end_matches('/'),
                t.out
            );
        }
        return Ok(Report::new(tasks.len(), started.elapsed()));
    }
    let out = PlainStore::open(&opts.out, !opts.out.contains("://"))?;
    let names: HashSet<&str> = tasks.iter().map(|t| t.out.as_str()).collect();
    out.remove_staging(&names).await?;
    let pool = Arc::new(
        Pool::new(opts.jobs.max(1)).ok_or_else(|| inputs::usage("cannot start worker threads"))?,
    );
    let stores: Vec<PlainStore> = listed.iter().map(|l| l.store.clone()).collect();
    let shown: Vec<String> = listed.iter().map(|l| l.name.clone()).collect();
    let shared = Arc::new(Shared { opts, out, stores, pool, cancel });
    let mut progress = Progress::new(tasks.len(), shared.opts.progress);
    let mut report = Report::new(tasks.len(), started.elapsed());
    let in_flight = shared.opts.jobs.max(1) * 2;
    let mut results = futures_util::stream::iter(tasks)
        .map(|task| {
            let shared = shared.clone();
            let shown = format!("{}:{}", shown[task.input], task.rel);
            async move { (shown, one(&shared, task).await) }
        })
        .buffer_unordered(in_flight);
    while let Some((shown, outcome)) = results.next().await {
        match outcome {
            Outcome::Done { megapixels, bytes_in, bytes_out } => {
                report.succeeded += 1;
                report.input_megapixels += megapixels;
                report.bytes_in += bytes_in;
                report.bytes_out += bytes_out;
            }
            Outcome::Skipped => report.skipped += 1,
            Outcome::Failed(mut f) => {
                f.input = shown;
                progress.note(&format!("failed: {} — {} {}", f.input, f.code, f.message));
                report.failed.push(f);
            }
            Outcome::NotStarted => report.not_started += 1,
        }
        progress.tick(&report);
    }
    report.cancelled = shared.cancel.load(Ordering::SeqCst);
    report.finish(started.elapsed());
    progress.finish(&report);
    Ok(report)
}

/// What every file's task shares.
struct Shared {
    opts: Options,
    out: PlainStore,
    stores: Vec<PlainStore>,
    pool: Arc<Pool>,
    cancel: Arc<AtomicBool>,
}

/// One file: skip when asked and its output exists, read, run the job on the pool, write.
async fn one(shared: &Shared, task: Task) -> Outcome {
    if shared.cancel.load(Ordering::SeqCst) {
        return Outcome::NotStarted;
    }
    let failed = |e: Error| Outcome::Failed(Failure::from_error(&e));
    if shared.opts.skip_existing {
        match shared.out.size(&task.out).await {
            Ok(Some(_)) => return Outcome::Skipped,
            Ok(None) => {}
            Err(e) => return failed(e),
        }
    }
    if let Err(e) = job::check_source_size(task.size) {
        return failed(e);
    }
    let bytes = match shared.stores[task.input].get(&task.rel).await {
        Ok(b) => b,
        Err(e) => return failed(e),
    };
    let bytes_in = bytes.len() as u64;
    let opts = &shared.opts;
    let (spec, engine) = (opts.spec.clone(), opts.engine);
    let (objects, fonts, options) = (opts.objects.clone(), opts.fonts.clone(), opts.plan);
    let ran = shared
        .pool
        .run(move || {
            let megapixels = codec::probe(&bytes)
                .map(|i| f64::from(i.width) * f64::from(i.height) / 1e6)
                .unwrap_or(0.0);
            let res = Resources { fonts: fonts.as_deref(), objects: Some(&objects), options };
            job::run_with(&bytes, &spec, engine, res).map(|out| (out, megapixels))
        })
        .await;
    let (output, megapixels) = match ran {
        Some(Ok(r)) => r,
        Some(Err(e)) => return failed(e),
        None => return failed(Error::internal()),
    };
    let data = match output {
        Output::Image { bytes, .. } => bytes::Bytes::from(bytes),
        Output::Json(json) => bytes::Bytes::from(json + "\n"),
    };
    let bytes_out = data.len() as u64;
    match shared.out.put(&task.out, data).await {
        Ok(()) => Outcome::Done { megapixels, bytes_in, bytes_out },
        Err(e) => failed(e),
    }
}
