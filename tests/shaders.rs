//! The WGSL shaders, checked without a GPU: every file in `shaders/` parses and validates with
//! naga, declares the binding layout the engine creates for it (`backend::gpu::SHADERS`), and its
//! params uniform is exactly as large as the `#[repr(C)]` Rust struct it mirrors. Every stage has
//! its shaders and every shader belongs to a stage.

use std::collections::BTreeSet;

use naga::{AddressSpace, ImageClass, ScalarKind, StorageAccess, StorageFormat, TypeInner};
use ossimg::backend::gpu::{shaders_for, Target, SHADERS};
use ossimg::pipeline::*;

/// One sample of every `Stage` variant. The `match` in [`variant_index`] makes a new variant a
/// compile error until it is added here.
fn every_stage() -> Vec<Stage> {
    let all = vec![
        Stage::Resize(ResizeParams { width: 1, height: 1, _pad: [0; 2] }),
        Stage::Crop(CropParams { x: 0, y: 0, width: 1, height: 1 }),
        Stage::Fill(FillParams { width: 1, height: 1, x: 0, y: 0, color: [0.0; 4] }),
        Stage::Orient(OrientParams { orientation: 6, _pad: [0; 3] }),
        Stage::Rotate(RotateParams { degrees: 1.0, width: 1, height: 1, _pad: 0, fill: [0.0; 4] }),
        Stage::Blur(BlurParams { radius: 1, sigma: 1.0, _pad: [0; 2] }),
        Stage::ColorAdjust(ColorAdjustParams { bright: 1, contrast: 0, _pad: [0; 2] }),
        Stage::Sharpen(SharpenParams { amount: 100, _pad: [0; 3] }),
        Stage::MaskCircle(MaskParams { radius: 1, _pad: [0; 3] }),
        Stage::MaskRounded(MaskParams { radius: 1, _pad: [0; 3] }),
        Stage::composite(std::sync::Arc::new(Image::filled(1, 1, [0; 4])), 0, 0, 100),
    ];
    for (i, s) in all.iter().enumerate() {
        assert_eq!(variant_index(s), i, "every_stage lists each variant once, in order");
    }
    all
}

fn variant_index(s: &Stage) -> usize {
    match s {
        Stage::Resize(_) => 0,
        Stage::Crop(_) => 1,
        Stage::Fill(_) => 2,
        Stage::Orient(_) => 3,
        Stage::Rotate(_) => 4,
        Stage::Blur(_) => 5,
        Stage::ColorAdjust(_) => 6,
        Stage::Sharpen(_) => 7,
        Stage::MaskCircle(_) => 8,
        Stage::MaskRounded(_) => 9,
        Stage::Composite(..) => 10,
    }
}

fn shader_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("shaders")
}

fn parse(name: &str, src: &str) -> naga::Module {
    let module = naga::front::wgsl::parse_str(src)
        .unwrap_or_else(|e| panic!("{name}.wgsl: {}", e.emit_to_string(src)));
    naga::valid::Validator::new(
        naga::valid::ValidationFlags::all(),
        naga::valid::Capabilities::empty(),
    )
    .validate(&module)
    .unwrap_or_else(|e| panic!("{name}.wgsl: {}", e.emit_to_string(src)));
    module
}

#[test]
fn every_stage_has_shaders_and_every_shader_a_stage() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(shader_dir())
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "wgsl")
                .then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    let compiled: BTreeSet<String> = SHADERS.iter().map(|s| s.name.to_string()).collect();
    assert_eq!(compiled.len(), SHADERS.len(), "duplicate name in SHADERS");
    let claimed: BTreeSet<String> =
        every_stage().iter().flat_map(|s| shaders_for(s).iter().map(|n| n.to_string())).collect();
    assert_eq!(on_disk, compiled, "shaders/ and backend::gpu::SHADERS disagree");
    assert_eq!(on_disk, claimed, "a stage without a shader, or a shader without a stage");
    // Each shader is named after its stage (the file stem, less a _h/_v pass suffix).
    for s in every_stage() {
        for name in shaders_for(&s) {
            let stem = name.strip_suffix("_h").or_else(|| name.strip_suffix("_v")).unwrap_or(name);
            assert_eq!(stem, s.name(), "{name}.wgsl for stage {}", s.name());
        }
    }
}

#[test]
fn shaders_validate_and_match_their_rust_twins() {
    for info in SHADERS {
        let on_disk =
            std::fs::read_to_string(shader_dir().join(format!("{}.wgsl", info.name))).unwrap();
        assert_eq!(on_disk, info.source, "{}: the compiled-in source is stale", info.name);
        let module = parse(info.name, info.source);

        // One compute entry point `main`, 16×16 workgroups (the engine dispatches ⌈w/16⌉×⌈h/16⌉).
        assert_eq!(module.entry_points.len(), 1, "{}", info.name);
        let ep = &module.entry_points[0];
        assert_eq!(
            (ep.name.as_str(), ep.stage),
            ("main", naga::ShaderStage::Compute),
            "{}",
            info.name
        );
        assert_eq!(ep.workgroup_size, [16, 16, 1], "{}", info.name);

        let mut bindings: Vec<(u32, String)> = Vec::new();
        for (_, g) in module.global_variables.iter() {
            let Some(rb) = &g.binding else { continue };
            assert_eq!(rb.group, 0, "{}: group", info.name);
            let ty = &module.types[g.ty].inner;
            let what = match (g.space, ty) {
                (AddressSpace::Uniform, TypeInner::Struct { members, span }) => {
                    // The mirror of the Rust params struct: same size, every member 4 or 16
                    // bytes wide (u32/i32/f32/vec4<f32>), none of WGSL's hidden padding.
                    assert_eq!(
                        *span as usize, info.params_size,
                        "{}: uniform size vs Rust struct",
                        info.name
                    );
                    let widths: u32 = members
                        .iter()
                        .map(|m| module.types[m.ty].inner.size(module.to_ctx()))
                        .sum();
                    assert_eq!(widths, *span, "{}: the uniform has implicit padding", info.name);
                    "uniform".to_string()
                }
                (
                    AddressSpace::Handle,
                    TypeInner::Image {
                        class: ImageClass::Sampled { kind: ScalarKind::Float, multi: false },
                        ..
                    },
                ) => "texture".to_string(),
                (
                    AddressSpace::Handle,
                    TypeInner::Image { class: ImageClass::Storage { format, access }, .. },
                ) => {
                    assert_eq!(
                        *access,
                        StorageAccess::STORE,
                        "{}: write-only destination",
                        info.name
                    );
                    let want = match info.target {
                        Target::Rgba8 => StorageFormat::Rgba8Unorm,
                        Target::Rgba32Float => StorageFormat::Rgba32Float,
                    };
                    assert_eq!(*format, want, "{}: destination format", info.name);
                    "storage_texture".to_string()
                }
                (AddressSpace::Storage { access }, _) => {
                    assert_eq!(access, StorageAccess::LOAD, "{}: extras are read-only", info.name);
                    "storage_buffer".to_string()
                }
                other => panic!("{}: unexpected binding {}: {other:?}", info.name, rb.binding),
            };
            bindings.push((rb.binding, what));
        }
        bindings.sort();
        let mut want = vec![
            (0, "uniform".to_string()),
            (1, "texture".to_string()),
            (2, "storage_texture".to_string()),
        ];
        for i in 0..info.extras {
            want.push((3 + i, "storage_buffer".to_string()));
        }
        assert_eq!(bindings, want, "{}: binding list", info.name);

        let text = info.source;
        let mirrors = text.lines().find(|l| l.contains("Mirrors ")).unwrap_or_default();
        assert!(
            mirrors.contains("Params in src/pipeline/mod.rs"),
            "{}: says which Rust struct it mirrors",
            info.name
        );
    }
}

#[test]
fn a_broken_shader_is_rejected() {
    // The check above can fail: a type error and a reserved word are both caught.
    let bad = "@compute @workgroup_size(1) fn main() { let x: u32 = 1.5; }";
    assert!(naga::front::wgsl::parse_str(bad).is_err());
    let reserved = "@compute @workgroup_size(1) fn main() { let precision = 1u; }";
    assert!(naga::front::wgsl::parse_str(reserved).is_err());
}
