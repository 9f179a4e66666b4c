//! `ossimg migrate`: moves the objects of S3 buckets created before the flat, ordered store
//! names (layout 0, whose listings read every name) to those names, bucket by bucket, so their
//! listings cost the page (see `storage::migrate`). Resumable (stop it anywhere and run it
//! again), idempotent, and safe while `serve` instances use the store. The store is the one
//! `[storage]` of `--config` names; a local or in-memory store has nothing to migrate.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context as _};

use super::serve::{FileConfig, StorageSection};
use crate::storage::Storage;

/// Arguments of `ossimg migrate`.
#[derive(Debug, clap::Args)]
pub struct MigrateArgs {
    /// The configuration file `serve` uses (its `[storage]` section names the S3 store).
    #[arg(long)]
    pub config: PathBuf,
    /// Only these buckets (default: every bucket of the store).
    #[arg(long = "bucket")]
    pub buckets: Vec<String>,
}

/// Runs `ossimg migrate`: exit 0 after a line per bucket on stdout, else the error's exit code
/// and the reason on stderr.
pub fn run(args: MigrateArgs) -> ExitCode {
    match migrate(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ossimg: {e:#}");
            let code = e.downcast_ref::<crate::Error>().map_or(2, |e| e.kind.exit_code());
            ExitCode::from(u8::try_from(code).unwrap_or(1))
        }
    }
}

fn migrate(args: MigrateArgs) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&args.config)
        .with_context(|| format!("cannot read {}", args.config.display()))?;
    let file: FileConfig = toml::from_str(&text)
        .with_context(|| format!("invalid configuration {}", args.config.display()))?;
    if !matches!(file.storage, Some(StorageSection::S3 { .. })) {
        println!("nothing to migrate: only S3 stores have buckets of the earlier layout");
        return Ok(());
    }
    let config = StorageSection::config(file.storage, std::path::Path::new("."));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let storage = Storage::new(config)?;
        let buckets = if args.buckets.is_empty() {
            storage.list_buckets().await?.into_iter().map(|b| b.name).collect()
        } else {
            args.buckets
        };
        if buckets.is_empty() {
            bail!("the store holds no bucket");
        }
        for b in buckets {
            let r = storage.migrate_bucket(&b).await?;
            if r.was_legacy && !r.atomic {
                eprintln!(
                    "ossimg: warning: this S3 server ignores If-None-Match: an object written \
                     through ossimg at the moment it was moved may have lost that write (pause \
                     writes while migrating on such a server)"
                );
            }
            if r.uploads_registered > 0 {
                println!(
                    "{b}: {} multipart uploads in progress entered in the upload listing",
                    r.uploads_registered
                );
            }
            if r.was_legacy {
                println!(
                    "{b}: migrated ({} objects moved, {} already in place)",
                    r.moved, r.already_there
                );
            } else {
                println!("{b}: already current");
            }
        }
        Ok(())
    })
}
