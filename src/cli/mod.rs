//! The `ossimg` command line: argument parsing and the subcommands. `main.rs` only calls
//! [`main`].

mod process_cmd;
mod serve;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

use crate::backend::BackendChoice;

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
}

/// Parses the command line, runs the subcommand and maps errors to exit codes (see
/// `error::ErrorKind::exit_code`).
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Process(args) => process_cmd::run(args),
        Command::Serve(args) => serve::run(args),
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
