//! A test certificate authority made with the `openssl` command (installed by `.ci/setup`): a CA,
//! and server certificates for `localhost` / `127.0.0.1` it signs, written as PEM files. Without
//! `openssl` a test skips, saying so, unless `CI` or `OSSIMG_REQUIRE_SDK=1` is set.
#![allow(dead_code)] // each test target uses a different part

use std::path::{Path, PathBuf};
use std::process::Command;

/// A CA in `dir` (`ca.pem`, `ca.key`).
pub struct Ca {
    /// The folder holding every file.
    pub dir: PathBuf,
}

/// True when missing tools must fail the test rather than skip it.
pub fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
        || std::env::var("OSSIMG_REQUIRE_SDK").is_ok_and(|v| v == "1")
}

/// True when `tool --version` (or `tool version`) runs; else prints why `test` is skipped (or
/// panics when the tools are required).
pub fn have(tool: &str, test: &str) -> bool {
    let ok =
        Command::new(tool).arg(if tool == "openssl" { "version" } else { "--version" }).output();
    match ok {
        Ok(o) if o.status.success() => true,
        _ if required() => panic!("{test}: `{tool}` is required (installed by .ci/setup)"),
        _ => {
            println!("{test}: skipped, `{tool}` is not installed");
            false
        }
    }
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl").args(args).current_dir(dir).output().expect("run openssl");
    assert!(
        out.status.success(),
        "openssl {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Ca {
    /// A new CA in `dir`: an RSA key (so every certificate it signs has a signature of one
    /// fixed length) and a self-signed certificate.
    pub fn new(dir: &Path) -> Ca {
        std::fs::create_dir_all(dir).unwrap();
        openssl(
            dir,
            &["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "ca.key"],
        );
        openssl(
            dir,
            &[
                "req",
                "-x509",
                "-new",
                "-key",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                "/CN=ossimg test CA",
            ],
        );
        std::fs::write(
            dir.join("server.ext"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n\
             extendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        Ca { dir: dir.to_path_buf() }
    }

    /// The CA certificate.
    pub fn cert(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    /// A private key `name`: `rsa` (PKCS#8 `PRIVATE KEY`) or `ec` (SEC1 `EC PRIVATE KEY`,
    /// P-256).
    pub fn key(&self, name: &str, kind: &str) -> PathBuf {
        match kind {
            "rsa" => openssl(
                &self.dir,
                &["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", name],
            ),
            "ec" => openssl(
                &self.dir,
                &["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", name],
            ),
            other => panic!("key kind {other}"),
        }
        self.dir.join(name)
    }

    /// A certificate `name` for `localhost` and 127.0.0.1 with organisation `org` and serial
    /// `serial`, on `key`, signed by the CA; the file holds the chain (the leaf, then the CA).
    /// Two certificates on one key whose `org` and `serial` have the same lengths have the same
    /// size.
    pub fn server_cert(&self, name: &str, key: &Path, org: &str, serial: u32) -> PathBuf {
        let csr = format!("{name}.csr");
        let leaf = format!("{name}.leaf");
        let subj = format!("/CN=localhost/O={org}");
        openssl(
            &self.dir,
            &["req", "-new", "-key", key.to_str().unwrap(), "-subj", &subj, "-out", &csr],
        );
        let serial = format!("{serial}");
        openssl(
            &self.dir,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-set_serial",
                &serial,
                "-days",
                "2",
                "-extfile",
                "server.ext",
                "-out",
                &leaf,
            ],
        );
        let mut chain = std::fs::read(self.dir.join(&leaf)).unwrap();
        chain.extend(std::fs::read(self.dir.join("ca.pem")).unwrap());
        let out = self.dir.join(name);
        std::fs::write(&out, chain).unwrap();
        out
    }
}

/// The SHA-256 fingerprint of the first certificate in the PEM file `cert`.
pub fn fingerprint(cert: &Path) -> String {
    let out = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(cert)
        .output()
        .expect("run openssl");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The SHA-256 fingerprint of the certificate the server at `addr` presents to a new client.
pub fn served_fingerprint(addr: std::net::SocketAddr) -> String {
    let script = format!(
        "openssl s_client -connect {addr} -servername localhost </dev/null 2>/dev/null \
         | openssl x509 -noout -fingerprint -sha256"
    );
    let out = Command::new("sh").args(["-c", &script]).output().expect("run sh");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
