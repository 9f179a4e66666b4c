//! The `ossimg` binary; all logic lives in the library (`ossimg::cli`).

fn main() -> std::process::ExitCode {
    ossimg::cli::main()
}
