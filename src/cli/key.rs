//! `ossimg key issue`: temporary credentials (STS-like) from the command line, made with a key
//! of the configuration (`--config`'s `[[keys]]`, `OSSIMG_ACCESS_KEY_ID`/`_SECRET`, else the
//! data directory's generated `credentials.toml`, as `serve` finds them), so any instance
//! serving that configuration accepts them. Prints the credential as JSON, as the API call
//! `POST /?sts` answers it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::{bail, Context as _};
use serde::Deserialize;

use super::serve::{FileConfig, KeyPair};
use crate::api::auth::{sts, unix_seconds};

/// Arguments of `ossimg key`.
#[derive(Debug, clap::Args)]
pub struct KeyArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: KeyCommand,
}

/// The `key` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum KeyCommand {
    /// Issue temporary credentials for one bucket (and key prefix), e.g.
    /// `ossimg key issue --bucket photos --prefix uploads/ --ttl 1h`.
    Issue(IssueArgs),
}

/// Arguments of `ossimg key issue`.
#[derive(Debug, clap::Args)]
pub struct IssueArgs {
    /// The bucket the credentials may address.
    #[arg(long)]
    pub bucket: String,
    /// The key prefix objects must start with (default: the whole bucket).
    #[arg(long, default_value = "")]
    pub prefix: String,
    /// Reads only (GET/HEAD, listing).
    #[arg(long)]
    pub read_only: bool,
    /// Lifetime: seconds, or with an s/m/h suffix (`90s`, `15m`, `1h`); at most 12h.
    #[arg(long, default_value = "1h")]
    pub ttl: String,
    /// The AccessKeyId that issues them (default: the first configured key).
    #[arg(long)]
    pub key_id: Option<String>,
    /// The configuration file `serve` uses.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// The data directory `serve` uses (for its generated credentials; default ./data).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
}

/// Runs `ossimg key …`: exit 0 and the JSON on stdout, or 2 and the reason on stderr.
pub fn run(args: KeyArgs) -> ExitCode {
    let KeyCommand::Issue(args) = args.command;
    match issue(args) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ossimg: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Parses `3600`, `90s`, `15m`, `1h`.
pub fn parse_ttl(text: &str) -> anyhow::Result<u64> {
    let t = text.trim();
    let (digits, unit) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&t[..i], c),
        _ => (t, 's'),
    };
    let unit = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        _ => bail!("invalid --ttl {text:?}: use seconds or an s, m or h suffix"),
    };
    let n: u64 = digits.parse().with_context(|| format!("invalid --ttl {text:?}"))?;
    Ok(n.saturating_mul(unit))
}

fn issue(args: IssueArgs) -> anyhow::Result<String> {
    let file: FileConfig = match &args.config {
        Some(p) => toml::from_str(
            &std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?,
        )
        .with_context(|| format!("invalid configuration {}", p.display()))?,
        None => FileConfig::default(),
    };
    let env = |n: &str| std::env::var(n).ok().filter(|v| !v.is_empty());
    let data_dir = args
        .data_dir
        .or(env("OSSIMG_DATA_DIR").map(PathBuf::from))
        .or(file.data_dir)
        .unwrap_or_else(|| PathBuf::from("data"));
    let mut keys = file.keys;
    if let (Some(id), Some(secret)) = (env("OSSIMG_ACCESS_KEY_ID"), env("OSSIMG_ACCESS_KEY_SECRET"))
    {
        keys.push(KeyPair { id, secret });
    }
    if keys.is_empty() {
        keys = generated_keys(&data_dir)?;
    }
    let parent = match &args.key_id {
        Some(id) => keys.iter().find(|k| &k.id == id).with_context(|| format!("no key {id}"))?,
        None => keys.first().context("no access key is configured")?,
    };
    let ttl = parse_ttl(&args.ttl)?;
    let now = unix_seconds(SystemTime::now());
    let grant = sts::Grant::new(&parent.id, &args.bucket, &args.prefix, args.read_only, now, ttl)
        .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    let nonce = sts::nonce().map_err(|e| anyhow::anyhow!("{}", e.message))?;
    Ok(sts::issue(&grant, &parent.secret, nonce).to_json())
}

/// The keys `serve` generated in `data_dir` (never generates: a credential from a key no server
/// knows would be useless).
fn generated_keys(data_dir: &Path) -> anyhow::Result<Vec<KeyPair>> {
    #[derive(Deserialize)]
    struct Stored {
        keys: Vec<KeyPair>,
    }
    let path = data_dir.join("credentials.toml");
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!("no key in the configuration, and cannot read {}", path.display())
    })?;
    Ok(toml::from_str::<Stored>(&text).with_context(|| format!("invalid {}", path.display()))?.keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttls_parse() {
        assert_eq!(parse_ttl("3600").unwrap(), 3600);
        assert_eq!(parse_ttl("90s").unwrap(), 90);
        assert_eq!(parse_ttl("15m").unwrap(), 900);
        assert_eq!(parse_ttl("1h").unwrap(), 3600);
        assert!(parse_ttl("1d").is_err());
        assert!(parse_ttl("h").is_err());
    }
}
