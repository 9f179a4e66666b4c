//! ossimg: the embedded libheif, opened on first use.
//!
//! The build script builds libheif as a shared library; this module carries its bytes
//! (`include_bytes!`), and the first call that needs libheif writes them to an in-memory file
//! (`memfd_create`; a temporary file where that cannot be opened) and `dlopen`s it. Its codec
//! libraries (libde265, x265, libaom, dav1d) and libstdc++ are loaded then, not at every start of
//! every binary that links this crate — libde265 alone fills its tables for ~1.5 ms in a static
//! constructor. Each binding is a `lazy_fn!` wrapper with the declared signature that looks its
//! symbol up once and calls it.

use std::ffi::{c_void, CStr, CString};
use std::io::Write as _;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::OnceLock;

/// The stripped shared libheif built by build.rs.
static EMBEDDED: &[u8] = include_bytes!(env!("LIBHEIF_SYS_EMBEDDED_SO"));

/// A `dlopen` handle; it is never closed.
struct Handle(*mut c_void);

// SAFETY: a dlopen handle may be used from any thread.
unsafe impl Send for Handle {}
unsafe impl Sync for Handle {}

/// The opened library, or why it could not be opened (decided once per process).
fn library() -> &'static Result<Handle, String> {
    static LIBRARY: OnceLock<Result<Handle, String>> = OnceLock::new();
    LIBRARY.get_or_init(open)
}

/// Opens the embedded libheif if it is not open yet; the error says why it cannot be (a codec
/// library missing on this host, no writable place for it, …). Call it before any other
/// function of this crate: those panic when the library cannot be opened.
pub fn load() -> Result<(), String> {
    library().as_ref().map(|_| ()).map_err(Clone::clone)
}

fn open() -> Result<Handle, String> {
    match open_memfd() {
        Ok(handle) => Ok(handle),
        Err(memfd) => open_temporary().map_err(|tmp| format!("{memfd}; {tmp}")),
    }
}

/// Writes the library to an anonymous in-memory file and opens it through `/proc/self/fd`.
fn open_memfd() -> Result<Handle, String> {
    let name = c"libheif.so";
    // MFD_EXEC (Linux ≥ 6.3) says the file is meant to be mapped executable; older kernels
    // refuse the flag, so ask again without it.
    let mut fd = unsafe { libc::memfd_create(name.as_ptr(), libc::MFD_CLOEXEC | libc::MFD_EXEC) };
    if fd < 0 {
        fd = unsafe { libc::memfd_create(name.as_ptr(), libc::MFD_CLOEXEC) };
    }
    if fd < 0 {
        return Err(format!("memfd_create: {}", std::io::Error::last_os_error()));
    }
    // SAFETY: `fd` is a new descriptor owned by nothing else.
    let mut file = unsafe { <std::fs::File as std::os::fd::FromRawFd>::from_raw_fd(fd) };
    file.write_all(EMBEDDED)
        .map_err(|e| format!("writing the in-memory libheif: {e}"))?;
    let handle = dlopen(&format!("/proc/self/fd/{fd}"));
    drop(file); // the mapping made by dlopen outlives the descriptor
    handle
}

/// Writes the library to a new file in the temporary directory, opens it and removes the file.
fn open_temporary() -> Result<Handle, String> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let dir = std::env::temp_dir();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let path = dir.join(format!("libheif-{}-{nanos}.so", std::process::id()));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o700)
        .open(&path)
        .and_then(|mut file| file.write_all(EMBEDDED));
    let handle = match written {
        Ok(()) => dlopen(&path.to_string_lossy()),
        Err(e) => Err(format!("writing {}: {e}", path.display())),
    };
    let _ = std::fs::remove_file(&path);
    handle
}

fn dlopen(path: &str) -> Result<Handle, String> {
    let c_path = CString::new(path).map_err(|_| format!("{path}: NUL in the path"))?;
    let handle = unsafe { libc::dlopen(c_path.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
    if handle.is_null() {
        let why = unsafe { libc::dlerror() };
        let why = match why.is_null() {
            true => "unknown error".into(),
            // SAFETY: dlerror returns a NUL-terminated message.
            false => unsafe { CStr::from_ptr(why) }
                .to_string_lossy()
                .into_owned(),
        };
        return Err(format!("cannot open the embedded libheif: {why}"));
    }
    Ok(Handle(handle))
}

/// The address of `name` (NUL-terminated) in the opened library, cached in `slot`.
///
/// Panics when the library cannot be opened (a caller that did not check [`load`]) or lacks the
/// symbol (a function this build of libheif leaves out: the static build would not have linked).
#[doc(hidden)]
pub fn symbol(slot: &AtomicPtr<c_void>, name: &'static str) -> *mut c_void {
    let cached = slot.load(Ordering::Acquire);
    if !cached.is_null() {
        return cached;
    }
    let handle = match library() {
        Ok(handle) => handle,
        Err(why) => panic!("libheif is not available: {why}"),
    };
    // SAFETY: `name` ends with NUL (the macro appends it); the handle stays open.
    let found = unsafe { libc::dlsym(handle.0, name.as_ptr().cast()) };
    assert!(
        !found.is_null(),
        "libheif has no function {}",
        name.trim_end_matches('\0')
    );
    slot.store(found, Ordering::Release);
    found
}

/// One binding: the `extern "C"` declaration becomes a function of the same name and signature
/// that calls the library's symbol.
macro_rules! lazy_fn {
    ($(#[$meta:meta])* pub fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)?;) => {
        $(#[$meta])*
        #[allow(clippy::missing_safety_doc, clippy::too_many_arguments)]
        pub unsafe fn $name($($arg: $ty),*) $(-> $ret)? {
            type Function = unsafe extern "C" fn($($ty),*) $(-> $ret)?;
            static SLOT: ::std::sync::atomic::AtomicPtr<::std::ffi::c_void> =
                ::std::sync::atomic::AtomicPtr::new(::std::ptr::null_mut());
            let address = $crate::lazy::symbol(&SLOT, concat!(stringify!($name), "\0"));
            // SAFETY: the symbol is libheif's function of this declared signature.
            let function: Function = unsafe { ::std::mem::transmute(address) };
            unsafe { function($($arg),*) }
        }
    };
}
