//! How `ossimg process` starts: which GPU drivers it loads and what it prints on stderr.
//!
//! Loading is observed, not assumed: the child runs with glibc's `LD_DEBUG=files` writing every
//! library it opens (dlopen included) to a file, and the in-process check reads
//! `/proc/self/maps`. On a host with Mesa lavapipe (CI, after `.ci/setup`) the `--backend gpu`
//! cases are positive controls: they must load it. Where no GPU driver at all is installed those
//! cases say so and pass, unless `OSSIMG_REQUIRE_GPU=1`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ossimg::backend::gpu::{AdapterKind, GpuBackend};
use ossimg::backend::{BackendChoice, Engine, Workload};
use ossimg::pipeline::{BlurParams, ResizeParams, Stage};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("startup").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A run of `ossimg process` on `tests/data/example.jpg` with `args`, the GPU environment of a
/// plain shell (no XDG_RUNTIME_DIR, so Mesa's EGL would complain; no WGPU_BACKEND), and the
/// libraries it loaded.
struct Run {
    out: Output,
    libraries: String,
    /// Where the run wrote `out.jpg`.
    dir: PathBuf,
}

/// Held by every test of this file while it spawns a child or searches for an adapter in
/// process: the hardware search points the Vulkan loader through this process's environment
/// for a moment, and a child spawned then would inherit that.
static ENV: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn env_lock() -> std::sync::MutexGuard<'static, ()> {
    ENV.lock().unwrap_or_else(|p| p.into_inner())
}

impl Run {
    fn new(name: &str, process: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
        Run::on("example.jpg", name, process, args, env)
    }

    /// As [`Run::new`], on `tests/data/<source>`.
    fn on(source: &str, name: &str, process: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
        let _env = env_lock();
        let dir = scratch(name);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ossimg"));
        cmd.args(["process", data(source).to_str().unwrap(), process, "-o"])
            .arg(dir.join("out.jpg"))
            .args(args)
            .env_remove("OSSIMG_BACKEND")
            .env_remove("XDG_RUNTIME_DIR")
            .env_remove("WGPU_BACKEND")
            .env("LD_DEBUG", "files")
            .env("LD_DEBUG_OUTPUT", dir.join("ld"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        // glibc writes LD_DEBUG_OUTPUT.<pid>.
        let libraries = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("ld."))
            .map(|e| std::fs::read_to_string(e.path()).unwrap())
            .collect();
        Run { out, libraries, dir }
    }

    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }

    fn loaded(&self, library: &str) -> bool {
        self.libraries.lines().any(|l| l.contains("file=") && l.contains(library))
    }
}

/// True when the `--backend gpu` run found no adapter at all (no driver installed): the
/// positive controls cannot run. Panics under `OSSIMG_REQUIRE_GPU=1`.
fn no_gpu_driver(run: &Run) -> bool {
    if run.out.status.code() == Some(5) && run.stderr().contains("no GPU adapter found") {
        if std::env::var("OSSIMG_REQUIRE_GPU").as_deref() == Ok("1") {
            panic!("OSSIMG_REQUIRE_GPU=1 but no GPU adapter: {}", run.stderr());
        }
        eprintln!("ignored: no GPU driver on this host");
        return true;
    }
    false
}

const W1: &str = "image/resize,w_300/quality,Q_85";

#[test]
fn default_backend_w1_loads_no_gpu_driver_and_prints_nothing() {
    // W1 is cheap on the CPU (a 1/8-scale decode and a small resize): on every host, GPU or
    // not, `auto` decides from the plan and never initialises wgpu.
    let run = Run::new("w1-auto", W1, &[], &[]);
    assert!(run.out.status.success(), "{:?}", run.out);
    assert!(run.libraries.contains("file="), "LD_DEBUG wrote nothing: cannot observe loading");
    assert_eq!(run.stderr(), "", "stderr must stay empty on success");
    assert!(!run.loaded("libvulkan"), "the Vulkan loader was opened");
    assert!(!run.loaded("libEGL"), "EGL was opened");

    // -v says which path was taken, and it is the same one.
    let run = Run::new("w1-auto-v", W1, &["-v"], &[]);
    assert!(run.out.status.success(), "{:?}", run.out);
    let stderr = run.stderr();
    assert!(
        stderr.starts_with("ossimg: engine: cpu (auto: the plan's GPU-friendly work is ~"),
        "{stderr}"
    );
    assert!(stderr.contains("wgpu not initialised"), "{stderr}");
    // The engine line and the job's in-process time (benches/cli.sh reads it), nothing else.
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
    assert!(stderr.lines().nth(1).unwrap().starts_with("ossimg: job: "), "{stderr}");
    assert!(!run.loaded("libvulkan"));
}

#[test]
fn heif_codecs_are_loaded_only_for_heif_images() {
    // libheif (C++) and its codecs are opened on first use, not at start: libde265's static
    // constructor alone took ~1.5 ms of every start (benches/RESULTS.md, 2026-12-04).
    let heif_libraries = ["libde265", "libx265", "libaom", "libdav1d", "libstdc++", "libnuma"];
    let jpeg = Run::new("jpeg-no-heif", W1, &["--backend", "cpu"], &[]);
    assert!(jpeg.out.status.success(), "{:?}", jpeg.out);
    assert!(jpeg.libraries.contains("file="), "LD_DEBUG wrote nothing: cannot observe loading");
    for library in heif_libraries {
        assert!(!jpeg.loaded(library), "{library} was loaded for a JPEG");
    }
    // The positive control: a HEIC source opens libheif and its HEVC decoder, and the result
    // is right (1/1 → 100 px wide JPEG).
    let heic = Run::on("example.heic", "heic", "image/resize,w_100/format,jpg", &[], &[]);
    assert!(heic.out.status.success(), "{:?}", heic.out);
    assert_eq!(heic.stderr(), "");
    assert!(heic.loaded("libde265"), "no HEVC decoder loaded:\n{}", heic.libraries);
    assert!(!heic.loaded("libjpeg"), "a system libjpeg was loaded");
    let header = turbojpeg::read_header(&std::fs::read(heic.dir.join("out.jpg")).unwrap()).unwrap();
    assert_eq!(header.width, 100);
}

#[test]
fn backend_gpu_uses_a_software_adapter_and_says_so_once() {
    let run = Run::new("gpu", W1, &["--backend", "gpu"], &[]);
    if no_gpu_driver(&run) {
        return;
    }
    assert!(run.out.status.success(), "{:?}", run.out);
    assert!(run.loaded("libvulkan"), "--backend gpu must open the Vulkan loader");
    let stderr = run.stderr();
    if run.loaded("libvulkan_lvp") && !stderr.is_empty() {
        // Lavapipe (CI): the one notice, and nothing from Mesa.
        let notice = "ossimg: --backend gpu runs on a software adapter, llvmpipe";
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with(notice), "{stderr}");
        assert!(stderr.contains("(Vulkan, Cpu)"), "Vulkan comes before GL: {stderr}");
    } else {
        // A hardware adapter: nothing to say.
        assert_eq!(stderr, "");
    }
    // Vulkan answered, so GL (EGL, which prints about XDG_RUNTIME_DIR) was never probed.
    assert!(!run.loaded("libEGL"), "GL probed although Vulkan had an adapter");
}

#[test]
fn driver_chatter_is_kept_off_stderr_and_shown_with_v() {
    // VK_LOADER_DEBUG=all makes the Vulkan loader print hundreds of lines on stderr while the
    // adapter is found: captured, and shown only with -v.
    let env = [("VK_LOADER_DEBUG", "all")];
    let quiet = Run::new("chatter", W1, &["--backend", "gpu"], &env);
    if no_gpu_driver(&quiet) {
        return;
    }
    assert!(quiet.out.status.success(), "{:?}", quiet.out);
    let stderr = quiet.stderr();
    assert!(stderr.lines().count() <= 1, "{stderr}");
    assert!(stderr.lines().all(|l| l.starts_with("ossimg: ")), "{stderr}");
    let verbose = Run::new("chatter-v", W1, &["--backend", "gpu", "-v"], &env);
    assert!(verbose.out.status.success(), "{:?}", verbose.out);
    let stderr = verbose.stderr();
    assert!(stderr.contains("ossimg: engine: gpu (--backend gpu: "), "{stderr}");
    let said = stderr.lines().filter(|l| l.starts_with("ossimg: GPU driver said: ")).count();
    assert!(said > 10, "the loader's lines are not shown with -v: {stderr}");
    assert!(stderr.lines().all(|l| l.starts_with("ossimg: ")), "{stderr}");
}

#[test]
fn auto_weighs_the_plan_and_never_maps_a_software_driver() {
    // In this process (all in one test: the order of the searches matters), with the plans
    // `process` would weigh. /proc/self/maps shows what was loaded.
    let _env = env_lock();
    let maps = || std::fs::read_to_string("/proc/self/maps").unwrap_or_default();
    let blur = Stage::Blur(BlurParams { radius: 20, sigma: 10.0, _pad: [0; 2] });
    let resize = Stage::Resize(ResizeParams { width: 300, height: 225, _pad: [0; 2] });
    let one = |stages, width, height| Workload::One { stages, width, height, frames: 1 };

    // W1 after shrink-on-load (a 1008×756 decode to 300 px): the GPU cannot pay back.
    let w1 = Engine::choose(BackendChoice::Auto, one(std::slice::from_ref(&resize), 1008, 756));
    let w1 = w1.unwrap();
    assert_eq!(w1.engine, Engine::Cpu);
    assert!(w1.why.contains("wgpu not initialised"), "{}", w1.why);
    // The same plan as an animation of 400 frames weighs 400 times as much.
    let frames = Workload::One {
        stages: std::slice::from_ref(&resize),
        width: 1008,
        height: 756,
        frames: 400,
    };
    let many = Engine::choose(BackendChoice::Auto, frames).unwrap();
    assert!(!many.why.contains("GPU-friendly work"), "{}", many.why);

    // A 2000² blur (~1.7 s on one core) is worth a GPU start-up: auto looks for one — but only
    // where a device node exists, and then only through hardware drivers.
    let heavy = Engine::choose(BackendChoice::Auto, one(std::slice::from_ref(&blur), 2000, 2000));
    let heavy = heavy.unwrap();
    assert!(!heavy.why.contains("GPU-friendly work"), "{}", heavy.why);
    let gpu_node = Path::new("/dev/dri").exists() || Path::new("/dev/nvidiactl").exists();
    if !gpu_node {
        assert_eq!(heavy.engine, Engine::Cpu);
        assert!(heavy.why.contains("no GPU device node"), "{}", heavy.why);
        assert!(!maps().contains("libvulkan"), "no device node, yet Vulkan was loaded");
    }

    // The hardware search itself (what auto runs on a host with a device node) restricts the
    // Vulkan loader to hardware drivers: lavapipe is never mapped, and the variables that
    // pointed the loader are restored.
    let before = std::env::var_os("VK_DRIVER_FILES");
    let hardware = GpuBackend::probe_of(AdapterKind::Hardware);
    if let Ok((name, is_hardware)) = &hardware {
        assert!(is_hardware, "{name}");
    }
    assert!(!maps().contains("libvulkan_lvp"), "lavapipe mapped by the hardware search");
    assert!(!maps().contains("swrast_dri"), "GL software driver mapped by the hardware search");
    assert_eq!(std::env::var_os("VK_DRIVER_FILES"), before);

    // Positive control: the unrestricted search (--backend gpu) loads lavapipe when it is
    // installed and no hardware adapter exists.
    let lvp = Path::new("/usr/share/vulkan/icd.d/lvp_icd.x86_64.json").exists();
    if lvp && before.is_none() && hardware.is_err() {
        let any = GpuBackend::probe_of(AdapterKind::Any);
        assert!(any.is_ok(), "lavapipe is installed but the search found nothing");
        assert!(maps().contains("libvulkan_lvp"), "lavapipe not mapped by the full search");
    }
}
