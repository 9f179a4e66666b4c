//! HTTPS: the server's certificate and key (PEM files: a chain, an RSA, ECDSA or Ed25519 key)
//! loaded into a rustls configuration that offers HTTP/2 and HTTP/1.1 by ALPN, and re-read on
//! demand ([`Tls::reload`], on SIGHUP) or when the files change ([`Tls::reload_if_changed`]).
//! A reload swaps the certificate for new handshakes only: connections already open keep theirs
//! and are never dropped. A failed reload (a half-written file, a key that does not match the
//! certificate) keeps serving the previous certificate.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;

/// Why the certificate or key could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file could not be read or holds no PEM object of the expected kind.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// rustls refused the certificate, the key or their pairing.
    #[error("{0}")]
    Rustls(#[from] rustls::Error),
}

/// The certificate files of an HTTPS listener and the rustls configuration serving them.
pub struct Tls {
    resolver: Arc<Resolver>,
    config: Arc<rustls::ServerConfig>,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls").field("cert", &self.resolver.cert).finish_non_exhaustive()
    }
}

/// The files' modification times and sizes when they were last read: a change in either means
/// the files were rewritten.
type Stamp = Option<[(SystemTime, u64); 2]>;

/// Hands every handshake the current certificate.
#[derive(Debug)]
struct Resolver {
    cert: PathBuf,
    key: PathBuf,
    provider: Arc<CryptoProvider>,
    current: RwLock<Arc<CertifiedKey>>,
    /// What the files looked like at the last attempt to load them (successful or not).
    seen: Mutex<Stamp>,
}

impl ResolvesServerCert for Resolver {
    fn resolve(&self, _: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current.read().unwrap_or_else(|p| p.into_inner()).clone())
    }
}

impl Tls {
    /// Loads `cert` (PEM: the leaf certificate first, then its chain) and `key` (PEM: PKCS#8,
    /// PKCS#1 RSA or SEC1 EC) and checks that they belong together.
    pub fn load(cert: &Path, key: &Path) -> Result<Tls, TlsError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let seen = stamp(cert, key);
        let loaded = load_pair(cert, key, &provider)?;
        let resolver = Arc::new(Resolver {
            cert: cert.to_path_buf(),
            key: key.to_path_buf(),
            provider: provider.clone(),
            current: RwLock::new(Arc::new(loaded)),
            seen: Mutex::new(seen),
        });
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_cert_resolver(resolver.clone());
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Tls { resolver, config: Arc::new(config) })
    }

    /// The acceptor that runs handshakes with the current certificate.
    pub fn acceptor(&self) -> tokio_rustls::TlsAcceptor {
        tokio_rustls::TlsAcceptor::from(self.config.clone())
    }

    /// The certificate file.
    pub fn cert_path(&self) -> &Path {
        &self.resolver.cert
    }

    /// Re-reads both files now; on an error the previous certificate stays in use.
    pub fn reload(&self) -> Result<(), TlsError> {
        let r = &self.resolver;
        *r.seen.lock().unwrap_or_else(|p| p.into_inner()) = stamp(&r.cert, &r.key);
        let loaded = load_pair(&r.cert, &r.key, &r.provider)?;
        *r.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(loaded);
        Ok(())
    }

    /// Re-reads the files if their modification time or size changed since they were last
    /// read: `None` when they did not change, else the outcome of [`Tls::reload`].
    pub fn reload_if_changed(&self) -> Option<Result<(), TlsError>> {
        let r = &self.resolver;
        let now = stamp(&r.cert, &r.key);
        // A file being replaced may be missing for a moment: wait until both are there.
        if now.is_none() || *r.seen.lock().unwrap_or_else(|p| p.into_inner()) == now {
            return None;
        }
        Some(self.reload())
    }
}

fn stamp(cert: &Path, key: &Path) -> Stamp {
    let one = |p: &Path| {
        let m = std::fs::metadata(p).ok()?;
        Some((m.modified().ok()?, m.len()))
    };
    Some([one(cert)?, one(key)?])
}

fn load_pair(cert: &Path, key: &Path, provider: &CryptoProvider) -> Result<CertifiedKey, TlsError> {
    let file_error =
        |path: &Path, message: String| TlsError::File { path: path.to_path_buf(), message };
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| file_error(cert, e.to_string()))?
        .collect::<Result<_, _>>()
        .map_err(|e| file_error(cert, e.to_string()))?;
    if chain.is_empty() {
        return Err(file_error(cert, "no PEM CERTIFICATE in the file".into()));
    }
    let key_der = PrivateKeyDer::from_pem_file(key).map_err(|e| {
        file_error(
            key,
            format!("{e} (expected a PEM PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)"),
        )
    })?;
    Ok(CertifiedKey::from_der(chain, key_der, provider)?)
}
