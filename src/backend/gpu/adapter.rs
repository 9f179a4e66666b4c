//! Finding the GPU adapter: which Vulkan drivers may be loaded, the wgpu instance and the best
//! adapter, once per process and per [`AdapterKind`], with the drivers' own chatter kept off the
//! user's terminal.
//!
//! A hardware search (`--backend auto`) never loads a software driver: it reads the Vulkan
//! loader's driver manifests (ICD JSON files) the way the loader would find them, drops the
//! software ones (Mesa lavapipe, SwiftShader), and points the loader at the rest for the one
//! instance it creates. With no hardware manifest it answers at once, without loading the
//! loader. Nothing is cached across processes: a driver installed later is seen by the next run.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Which adapters a search may return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdapterKind {
    /// Hardware adapters (discrete, integrated, virtual) through Vulkan, from hardware drivers
    /// only: the software ones are never loaded. What `--backend auto` uses.
    Hardware,
    /// Any adapter, software ones included: Vulkan first, GL (EGL) when Vulkan offers none.
    /// What `--backend gpu` uses.
    Any,
}

/// An instance and its best adapter.
pub(super) type Found = Result<(wgpu::Instance, wgpu::Adapter), String>;

/// What a search found and what the drivers printed on stderr meanwhile.
pub(super) struct Search {
    /// The instance and adapter, or why there is none.
    pub found: Found,
    /// The drivers' own stderr output during the search (Mesa, the Vulkan loader, EGL).
    pub driver_output: String,
}

/// The search for `kind`, run once per process.
pub(super) fn search(kind: AdapterKind) -> &'static Search {
    cell(kind).get_or_init(|| {
        let (found, driver_output) = quietly(|| match kind {
            AdapterKind::Hardware => find_hardware(),
            AdapterKind::Any => find_any(),
        });
        Search { found, driver_output }
    })
}

/// The search for `kind` if this process has run it.
pub(super) fn searched(kind: AdapterKind) -> Option<&'static Search> {
    cell(kind).get()
}

fn cell(kind: AdapterKind) -> &'static OnceLock<Search> {
    static HARDWARE: OnceLock<Search> = OnceLock::new();
    static ANY: OnceLock<Search> = OnceLock::new();
    match kind {
        AdapterKind::Hardware => &HARDWARE,
        AdapterKind::Any => &ANY,
    }
}

/// True when the adapter is real hardware (not lavapipe/llvmpipe, which report `Cpu`).
pub(super) fn is_hardware(info: &wgpu::AdapterInfo) -> bool {
    matches!(
        info.device_type,
        wgpu::DeviceType::DiscreteGpu
            | wgpu::DeviceType::IntegratedGpu
            | wgpu::DeviceType::VirtualGpu
    )
}

/// The best hardware adapter through Vulkan, with the loader restricted to hardware drivers.
/// `WGPU_BACKEND` may narrow the search further (to nothing, if it excludes Vulkan).
fn find_hardware() -> Found {
    // Elsewhere (Windows registry, macOS bundles) the loader finds drivers in ways not read
    // here: every driver is loaded and the software adapters are only filtered out below.
    let _restore = if cfg!(all(unix, not(target_os = "macos"))) {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let manifests = icd_manifests(&env);
        let hardware: Vec<PathBuf> =
            manifests.into_iter().filter(|m| !is_software_manifest(m)).collect();
        if hardware.is_empty() {
            return Err("no hardware Vulkan driver is installed (auto never loads software \
                        ones; --backend gpu does)"
                .into());
        }
        let list = std::env::join_paths(&hardware).map_err(|e| e.to_string())?;
        // The loader reads its driver list when the instance is created; the variables are set
        // for that moment only and restored after, so nothing else in the process sees them.
        // This runs once, at start-up, before other threads read the environment.
        Some(EnvOverride::set(&["VK_DRIVER_FILES", "VK_ICD_FILENAMES"], &list))
    } else {
        None
    };
    let backends = wgpu::Backends::VULKAN.with_env() & wgpu::Backends::VULKAN;
    let (instance, adapters) = enumerate(backends);
    adapters
        .into_iter()
        .filter(|a| is_hardware(&a.get_info()))
        .min_by_key(rank)
        .map(|a| (instance, a))
        .ok_or_else(|| "no hardware GPU adapter found".into())
}

/// The best adapter of any kind: Vulkan first (hardware before software), GL only when Vulkan
/// offers none — EGL loads Mesa's whole GL stack and talks on stderr, and its compute is weaker.
fn find_any() -> Found {
    let allowed = wgpu::Backends::all().with_env();
    for backends in [wgpu::Backends::VULKAN, allowed - wgpu::Backends::VULKAN] {
        let backends = backends & allowed;
        if backends.is_empty() {
            continue;
        }
        let (instance, adapters) = enumerate(backends);
        if let Some(best) = adapters.into_iter().min_by_key(rank) {
            return Ok((instance, best));
        }
    }
    Err("no GPU adapter found (no Vulkan or GL driver could be loaded)".into())
}

/// A new instance on `backends` and every adapter it offers.
fn enumerate(backends: wgpu::Backends) -> (wgpu::Instance, Vec<wgpu::Adapter>) {
    let mut desc = wgpu::InstanceDescriptor::new_without_display_handle_from_env();
    desc.backends = backends;
    // No Vulkan validation layers or debug labels in production runs unless asked for through
    // WGPU_VALIDATION / WGPU_DEBUG.
    desc.flags = wgpu::InstanceFlags::empty().with_env();
    let instance = wgpu::Instance::new(desc);
    let adapters = pollster::block_on(instance.enumerate_adapters(backends));
    (instance, adapters)
}

/// Hardware first (discrete, integrated, virtual), software (lavapipe, llvmpipe) last; Vulkan
/// before GL within a kind.
fn rank(a: &wgpu::Adapter) -> (u8, bool) {
    let info = a.get_info();
    let kind = match info.device_type {
        wgpu::DeviceType::DiscreteGpu => 0,
        wgpu::DeviceType::IntegratedGpu => 1,
        wgpu::DeviceType::VirtualGpu => 2,
        wgpu::DeviceType::Other => 3,
        wgpu::DeviceType::Cpu => 4,
    };
    (kind, info.backend != wgpu::Backend::Vulkan)
}

/// The Vulkan driver manifests the loader would read on this host (Linux and BSD layout):
/// `VK_DRIVER_FILES`, else `VK_ICD_FILENAMES` (files or folders, `:`-separated) when set;
/// otherwise the `vulkan/icd.d` folders under `$XDG_CONFIG_HOME`, `$XDG_CONFIG_DIRS`, /etc,
/// `$XDG_DATA_HOME` and `$XDG_DATA_DIRS`, as the loader documents; plus `VK_ADD_DRIVER_FILES`.
/// `env` reads a variable (unset and empty alike are `None`).
fn icd_manifests(env: &dyn Fn(&str) -> Option<String>) -> Vec<PathBuf> {
    let split = |v: String| std::env::split_paths(&v).collect::<Vec<_>>();
    let mut roots: Vec<PathBuf> = Vec::new();
    if let Some(v) = env("VK_DRIVER_FILES").or_else(|| env("VK_ICD_FILENAMES")) {
        roots = split(v);
    } else {
        let home = env("HOME").map(PathBuf::from);
        let under_home = |rel: &str| home.as_ref().map(|h| h.join(rel));
        let config_home = env("XDG_CONFIG_HOME").map(PathBuf::from).or(under_home(".config"));
        let data_home = env("XDG_DATA_HOME").map(PathBuf::from).or(under_home(".local/share"));
        let config_dirs = env("XDG_CONFIG_DIRS").unwrap_or_else(|| "/etc/xdg".into());
        let data_dirs =
            env("XDG_DATA_DIRS").unwrap_or_else(|| "/usr/local/share:/usr/share".into());
        let bases = config_home
            .into_iter()
            .chain(split(config_dirs))
            .chain([PathBuf::from("/etc")])
            .chain(data_home)
            .chain(split(data_dirs));
        roots.extend(bases.map(|b| b.join("vulkan/icd.d")));
    }
    if let Some(v) = env("VK_ADD_DRIVER_FILES") {
        roots.extend(split(v));
    }
    let mut files = Vec::new();
    for root in roots {
        if root.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(&root)
                .map(|d| d.flatten().map(|e| e.path()).collect())
                .unwrap_or_default();
            entries.retain(|p| p.extension().is_some_and(|e| e == "json"));
            entries.sort();
            files.extend(entries);
        } else if root.is_file() {
            files.push(root);
        }
    }
    files.dedup();
    files
}

/// True when the manifest names a software Vulkan driver: Mesa's lavapipe (`libvulkan_lvp`) or
/// Google's SwiftShader (`libvk_swiftshader`). Judged from the manifest's `library_path` (and
/// its own file name when that cannot be read): the manifests carry no device type, and
/// loading the driver to ask is what this check avoids.
fn is_software_manifest(manifest: &Path) -> bool {
    let library = std::fs::read(manifest)
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| v["ICD"]["library_path"].as_str().map(str::to_owned));
    let name = match &library {
        Some(lib) => Path::new(lib).file_name().map(|n| n.to_string_lossy().to_lowercase()),
        None => manifest.file_name().map(|n| n.to_string_lossy().to_lowercase()),
    };
    name.is_some_and(|n| n.contains("lvp") || n.contains("swiftshader"))
}

/// Sets environment variables for its lifetime and restores their previous values on drop.
struct EnvOverride {
    previous: Vec<(&'static str, Option<std::ffi::OsString>)>,
}

impl EnvOverride {
    fn set(keys: &[&'static str], value: &std::ffi::OsStr) -> EnvOverride {
        let previous = keys.iter().map(|k| (*k, std::env::var_os(k))).collect();
        for k in keys {
            std::env::set_var(k, value);
        }
        EnvOverride { previous }
    }
}

impl Drop for EnvOverride {
    fn drop(&mut self) {
        for (k, v) in &self.previous {
            match v {
                Some(v) => std::env::set_var(k, v),
                None => std::env::remove_var(k),
            }
        }
    }
}

/// Runs `f` with the process's standard error (fd 2) sent to an unnamed in-memory file and
/// returns what was written there. Drivers print straight to fd 2 from C (Mesa's EGL and
/// Wayland probing: "XDG_RUNTIME_DIR is invalid or not set"; the Vulkan loader; ICD warnings),
/// so redirecting the descriptor is the one way that silences every one of them, whatever its
/// source, without changing the environment the drivers see (a private `XDG_RUNTIME_DIR` would
/// only hide one message and could change which display a driver finds). The text is kept: `-v`
/// prints it and a failed `--backend gpu` names it. Used only around adapter discovery and
/// device creation, once at start-up, when no other thread writes to stderr; the descriptor is
/// restored even if `f` panics.
fn quietly<T>(f: impl FnOnce() -> T) -> (T, String) {
    #[cfg(target_os = "linux")]
    {
        match Redirect::start() {
            Some(redirect) => {
                let out = f();
                (out, redirect.finish())
            }
            None => (f(), String::new()),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        (f(), String::new())
    }
}

/// Runs `f` (device creation, pipeline compilation) with stderr captured like [`quietly`];
/// what the driver printed is appended to `sink`.
pub(super) fn quietly_into<T>(sink: &mut String, f: impl FnOnce() -> T) -> T {
    let (out, text) = quietly(f);
    sink.push_str(&text);
    out
}

/// fd 2 pointed at a memfd; the original descriptor is put back on drop.
#[cfg(target_os = "linux")]
struct Redirect {
    saved: std::os::fd::OwnedFd,
    capture: std::fs::File,
}

#[cfg(target_os = "linux")]
impl Redirect {
    fn start() -> Option<Redirect> {
        use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
        // SAFETY: memfd_create/fcntl/dup2 take and return plain descriptors; each one returned
        // is owned exactly once (OwnedFd/File close it).
        unsafe {
            let fd = libc::memfd_create(c"ossimg-driver-stderr".as_ptr(), libc::MFD_CLOEXEC);
            if fd < 0 {
                return None;
            }
            let capture = std::fs::File::from_raw_fd(fd);
            let saved = libc::fcntl(2, libc::F_DUPFD_CLOEXEC, 3);
            if saved < 0 {
                return None;
            }
            let saved = OwnedFd::from_raw_fd(saved);
            if libc::dup2(capture.as_raw_fd(), 2) < 0 {
                return None;
            }
            Some(Redirect { saved, capture })
        }
    }

    /// Restores fd 2 and returns what was captured (at most 64 KiB, lossily decoded).
    fn finish(self) -> String {
        use std::io::{Read, Seek};
        let mut capture = self.capture.try_clone();
        drop(self); // restores fd 2
        let mut text = Vec::new();
        if let Ok(f) = capture.as_mut() {
            let _ = f.rewind();
            let _ = f.take(64 * 1024).read_to_end(&mut text);
        }
        String::from_utf8_lossy(&text).into_owned()
    }
}

#[cfg(target_os = "linux")]
impl Drop for Redirect {
    fn drop(&mut self) {
        use std::os::fd::AsRawFd;
        // SAFETY: both descriptors are open and owned by self.
        unsafe {
            libc::dup2(self.saved.as_raw_fd(), 2);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ossimg-icd-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn manifest(dir: &Path, file: &str, library: &str) -> PathBuf {
        let path = dir.join(file);
        let json = format!(
            r#"{{"file_format_version":"1.0.0","ICD":{{"library_path":"{library}","api_version":"1.3.0"}}}}"#
        );
        std::fs::write(&path, json).unwrap();
        path
    }

    #[test]
    fn software_drivers_are_told_from_their_manifests() {
        let dir = scratch("kinds");
        let lvp =
            manifest(&dir, "lvp_icd.x86_64.json", "/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so");
        let swift = manifest(&dir, "vk_swiftshader_icd.json", "./libvk_swiftshader.so");
        let nvidia = manifest(&dir, "nvidia_icd.json", "libGLX_nvidia.so.0");
        let intel = manifest(&dir, "intel_icd.x86_64.json", "/usr/lib/libvulkan_intel.so");
        assert!(is_software_manifest(&lvp));
        assert!(is_software_manifest(&swift));
        assert!(!is_software_manifest(&nvidia));
        assert!(!is_software_manifest(&intel));
        // Unreadable JSON: judged by the manifest's own name.
        std::fs::write(dir.join("lvp_broken.json"), b"{").unwrap();
        assert!(is_software_manifest(&dir.join("lvp_broken.json")));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn manifests_are_found_where_the_loader_looks() {
        let dir = scratch("paths");
        let data = dir.join("data");
        let icd = data.join("vulkan/icd.d");
        std::fs::create_dir_all(&icd).unwrap();
        let a = manifest(&icd, "a.json", "liba.so");
        std::fs::write(icd.join("notes.txt"), b"not a manifest").unwrap();
        let extra = manifest(&dir, "extra.json", "libextra.so");
        let data_dirs = data.to_string_lossy().into_owned();
        let extra_s = extra.to_string_lossy().into_owned();
        let nowhere = dir.join("nowhere").to_string_lossy().into_owned();
        // Search folders: only the data dir has a manifest; VK_ADD_DRIVER_FILES adds one.
        let env = |k: &str| match k {
            "XDG_DATA_DIRS" => Some(data_dirs.clone()),
            "XDG_CONFIG_DIRS" | "HOME" => Some(nowhere.clone()),
            "VK_ADD_DRIVER_FILES" => Some(extra_s.clone()),
            _ => None,
        };
        let found = icd_manifests(&env);
        assert!(found.contains(&a) && found.contains(&extra), "{found:?}");
        assert!(!found.iter().any(|p| p.ends_with("notes.txt")));
        // VK_DRIVER_FILES replaces the search folders.
        let only = |k: &str| (k == "VK_DRIVER_FILES").then(|| extra_s.clone());
        assert_eq!(icd_manifests(&only), vec![extra.clone()]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn driver_output_is_captured_and_stderr_restored() {
        let (value, text) = quietly(|| {
            // SAFETY: writes a static buffer to fd 2, as a C driver would.
            unsafe { libc::write(2, c"driver says hi\n".as_ptr().cast(), 15) };
            7
        });
        assert_eq!((value, text.as_str()), (7, "driver says hi\n"));
        // fd 2 is the original again: a fresh capture sees only its own writes.
        let (_, again) = quietly(|| ());
        assert_eq!(again, "");
    }
}
