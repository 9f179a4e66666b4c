//! Running a cascade: stages turned into shader passes with their parameters (checked against
//! the planner's invariants and the device limits before any resource exists), then one upload,
//! every pass in one submission and one readback (256-byte row padding stripped).

use std::time::Duration;

use super::device::Context;
use super::resize_table;
use super::shaders::{format_of, shader_index, Target, SHADERS};
use super::{GpuBackend, GpuFailure};
use crate::pipeline::{kernels, CompositeParams, Image, Stage};

/// Side of the square compute workgroups every shader declares (`@workgroup_size(16, 16)`):
/// 256 invocations, within every adapter's `max_compute_invocations_per_workgroup`, and a 2-D
/// dispatch of ⌈w/16⌉×⌈h/16⌉ stays under the 65535-groups-per-dimension limit for 16384 px.
const WORKGROUP: u32 = 16;

/// How long one cascade may run before the GPU is given up on and the request re-runs on the
/// CPU: lavapipe needs ~0.3 s per 12 MP pass, so 120 s is far beyond any legitimate run.
const RUN_TIMEOUT: Duration = Duration::from_secs(120);

impl GpuBackend {
    /// Runs `stages` on `img` on the GPU: one upload, every pass in one submission, one
    /// readback. The result equals the CPU engine's within each stage's declared tolerance
    /// (`tests/gpu_parity.rs`). `Unsupported` when the plan cannot run here (empty image, a side
    /// beyond [`Self::max_side`], a stage the planner would never produce); `Failed` when the
    /// device failed (the caller re-runs on the CPU).
    pub fn run_stages(&self, stages: &[Stage], img: &Image) -> Result<Image, GpuFailure> {
        let passes = self.plan_passes(stages, img)?;
        if passes.is_empty() {
            return Ok(img.clone());
        }
        // A poisoned permit only means another run panicked; the device state is still valid.
        let _permit = self.permit.lock().unwrap_or_else(|p| p.into_inner());
        let ctx = self.context()?;
        let oom = ctx.device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
        let internal = ctx.device.push_error_scope(wgpu::ErrorFilter::Internal);
        let validation = ctx.device.push_error_scope(wgpu::ErrorFilter::Validation);
        // wgpu may still panic on a device that died mid-run (a path its API leaves fallible
        // only by panicking): treat that as the failure it is, and re-run on the CPU.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            Self::execute(&ctx, &passes, img)
        }))
        .unwrap_or_else(|_| Err(GpuFailure::Failed("the GPU run panicked".into())));
        let errors = [validation.pop(), internal.pop(), oom.pop()].map(pollster::block_on);
        if let Some(e) = errors.into_iter().flatten().next() {
            return Err(GpuFailure::Failed(e.to_string()));
        }
        result
    }

    /// Turns stages into shader passes with their parameters, checking the planner's invariants
    /// (as `backend::cpu::run` does) and the device limits before any resource exists.
    fn plan_passes(&self, stages: &[Stage], img: &Image) -> Result<Vec<Pass>, GpuFailure> {
        let unsupported = |m: &str| Err(GpuFailure::Unsupported(m.to_string()));
        if (img.width as usize).checked_mul(img.height as usize).and_then(|n| n.checked_mul(4))
            != Some(img.pixels.len())
        {
            return unsupported("malformed pixel buffer");
        }
        let (mut w, mut h) = (img.width, img.height);
        let mut passes = Vec::new();
        for stage in stages {
            let (ow, oh) = match stage {
                Stage::Resize(p) => {
                    if p.width == 0 || p.height == 0 {
                        return unsupported("empty resize");
                    }
                    let params = bytemuck::bytes_of(p).to_vec();
                    let need_v = p.height != h;
                    let need_h = p.width != w;
                    if need_v {
                        let t = resize_table::table(h, p.height, true, !need_h)
                            .ok_or_else(|| GpuFailure::Unsupported("empty resize".into()))?;
                        passes.push(Pass::new("resize_v", &params, vec![cast(&t)], w, p.height));
                    }
                    if need_h {
                        let t = resize_table::table(w, p.width, !need_v, true)
                            .ok_or_else(|| GpuFailure::Unsupported("empty resize".into()))?;
                        passes.push(Pass::new(
                            "resize_h",
                            &params,
                            vec![cast(&t)],
                            p.width,
                            p.height,
                        ));
                    }
                    (p.width, p.height)
                }
                Stage::Crop(p) => {
                    if p.width == 0
                        || p.height == 0
                        || u64::from(p.x) + u64::from(p.width) > u64::from(w)
                        || u64::from(p.y) + u64::from(p.height) > u64::from(h)
                    {
                        return unsupported("crop rectangle outside the image");
                    }
                    if (p.x, p.y, p.width, p.height) != (0, 0, w, h) {
                        passes.push(Pass::new(
                            "crop",
                            bytemuck::bytes_of(p),
                            vec![],
                            p.width,
                            p.height,
                        ));
                    }
                    (p.width, p.height)
                }
                Stage::Fill(p) => {
                    if u64::from(p.x) + u64::from(w) > u64::from(p.width)
                        || u64::from(p.y) + u64::from(h) > u64::from(p.height)
                    {
                        return unsupported("image does not fit the fill canvas");
                    }
                    passes.push(Pass::new(
                        "fill",
                        bytemuck::bytes_of(p),
                        vec![],
                        p.width,
                        p.height,
                    ));
                    (p.width, p.height)
                }
                Stage::Orient(p) => {
                    if !(1..=8).contains(&p.orientation) {
                        return unsupported("orientation not 1-8");
                    }
                    let (ow, oh) = if p.orientation >= 5 { (h, w) } else { (w, h) };
                    if p.orientation != 1 {
                        passes.push(Pass::new("orient", bytemuck::bytes_of(p), vec![], ow, oh));
                    }
                    (ow, oh)
                }
                Stage::Rotate(p) => {
                    if p.width == 0 || p.height == 0 || !p.degrees.is_finite() {
                        return unsupported("empty rotate canvas or non-finite angle");
                    }
                    let m = kernels::rotation_inverse(p.degrees, w, h, p.width, p.height);
                    passes.push(Pass::new(
                        "rotate",
                        bytemuck::bytes_of(p),
                        vec![cast(&m)],
                        p.width,
                        p.height,
                    ));
                    (p.width, p.height)
                }
                Stage::Blur(p) => {
                    let weights = kernels::gaussian_weights(p.radius, p.sigma);
                    // One tap (radius 0): the CPU returns the image untouched; so does the GPU.
                    if weights.len() > 1 {
                        let params = bytemuck::bytes_of(p);
                        passes.push(Pass::new("blur_h", params, vec![cast(&weights)], w, h));
                        passes.push(Pass::new("blur_v", params, vec![cast(&weights)], w, h));
                    }
                    (w, h)
                }
                Stage::ColorAdjust(p) => {
                    if (p.bright, p.contrast) != (0, 0) {
                        let lut: Vec<u32> = kernels::color_adjust_lut(p.bright, p.contrast)
                            .iter()
                            .map(|&v| u32::from(v))
                            .collect();
                        passes.push(Pass::new(
                            "color_adjust",
                            bytemuck::bytes_of(p),
                            vec![cast(&lut)],
                            w,
                            h,
                        ));
                    }
                    (w, h)
                }
                Stage::Sharpen(p) => {
                    if p.amount != 0 {
                        passes.push(Pass::new("sharpen", bytemuck::bytes_of(p), vec![], w, h));
                    }
                    (w, h)
                }
                Stage::MaskCircle(p) => {
                    passes.push(Pass::new("mask_circle", bytemuck::bytes_of(p), vec![], w, h));
                    (w, h)
                }
                Stage::MaskRounded(p) => {
                    passes.push(Pass::new("mask_rounded", bytemuck::bytes_of(p), vec![], w, h));
                    (w, h)
                }
                Stage::Composite(p, overlay) => {
                    let max_binding = self.limits.max_storage_buffer_binding_size;
                    passes.extend(composite_pass(p, overlay, (w, h), max_binding)?);
                    (w, h)
                }
            };
            (w, h) = (ow, oh);
        }
        // Limits, checked before anything is allocated: texture sides, the readback buffer and
        // every storage binding.
        let max = self.limits.max_texture_dimension_2d;
        let sides = std::iter::once((img.width, img.height))
            .chain(passes.iter().map(|p| (p.width, p.height)));
        for (pw, ph) in sides {
            if pw == 0 || ph == 0 {
                return unsupported("empty image");
            }
            if pw > max || ph > max {
                return unsupported("image side beyond the device's texture limit");
            }
        }
        if padded_row(w) * u64::from(h) > self.limits.max_buffer_size {
            return unsupported("readback buffer beyond the device limit");
        }
        let max_binding = self.limits.max_storage_buffer_binding_size;
        if passes.iter().flat_map(|p| &p.extras).any(|e| e.len() as u64 > max_binding) {
            return unsupported("stage table beyond the storage binding limit");
        }
        Ok(passes)
    }

    fn execute(ctx: &Context, passes: &[Pass], img: &Image) -> Result<Image, GpuFailure> {
        let d = &ctx.device;
        let source = d.create_texture(&texture_desc(img.width, img.height, Target::Rgba8, true));
        ctx.queue.write_texture(
            wgpu::TexelCopyTextureInfo {
                texture: &source,
                mip_level: 0,
                origin: wgpu::Origin3d::ZERO,
                aspect: wgpu::TextureAspect::All,
            },
            &img.pixels,
            wgpu::TexelCopyBufferLayout {
                offset: 0,
                bytes_per_row: Some(img.width * 4),
                rows_per_image: Some(img.height),
            },
            extent(img.width, img.height),
        );
        let mut encoder =
            d.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("cascade") });
        let mut current = source;
        for pass in passes {
            let index = shader_index(pass.shader);
            let info = &SHADERS[index];
            let pipeline = &ctx.pipelines[index];
            let out = d.create_texture(&texture_desc(pass.width, pass.height, info.target, false));
            let params = upload_buffer(ctx, pass.shader, &pass.params, wgpu::BufferUsages::UNIFORM);
            let extras: Vec<wgpu::Buffer> = pass
                .extras
                .iter()
                .map(|e| upload_buffer(ctx, pass.shader, e, wgpu::BufferUsages::STORAGE))
                .collect();
            let src_view = current.create_view(&Default::default());
            let dst_view = out.create_view(&Default::default());
            let mut entries = vec![
                wgpu::BindGroupEntry { binding: 0, resource: params.as_entire_binding() },
                wgpu::BindGroupEntry {
                    binding: 1,
                    resource: wgpu::BindingResource::TextureView(&src_view),
                },
                wgpu::BindGroupEntry {
                    binding: 2,
                    resource: wgpu::BindingResource::TextureView(&dst_view),
                },
            ];
            for (i, b) in extras.iter().enumerate() {
                entries.push(wgpu::BindGroupEntry {
                    binding: 3 + i as u32,
                    resource: b.as_entire_binding(),
                });
            }
            let bind_group = d.create_bind_group(&wgpu::BindGroupDescriptor {
                label: Some(pass.shader),
                layout: &pipeline.layout,
                entries: &entries,
            });
            {
                let mut cpass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                    label: Some(pass.shader),
                    timestamp_writes: None,
                });
                cpass.set_pipeline(&pipeline.pipeline);
                cpass.set_bind_group(0, &bind_group, &[]);
                cpass.dispatch_workgroups(
                    pass.width.div_ceil(WORKGROUP),
                    pass.height.div_ceil(WORKGROUP),
                    1,
                );
            }
            current = out;
        }
        let (w, h) = (current.width(), current.height());
        let row = padded_row(w);
        let readback = d.create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback"),
            size: row * u64::from(h),
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        encoder.copy_texture_to_buffer(
            wgpu::TexelCopyTextureInfo {
                texture: &current,
                mip_level: 0,
                origin: wgpu::Origin3d::ZERO,
                aspect: wgpu::TextureAspect::All,
            },
            wgpu::TexelCopyBufferInfo {
                buffer: &readback,
                layout: wgpu::TexelCopyBufferLayout {
                    offset: 0,
                    // Row lengths fit u32: w ≤ max_texture_dimension_2d.
                    bytes_per_row: Some(row as u32),
                    rows_per_image: Some(h),
                },
            },
            extent(w, h),
        );
        let submission = ctx.queue.submit([encoder.finish()]);
        let slice = readback.slice(..);
        let (tx, rx) = std::sync::mpsc::channel();
        slice.map_async(wgpu::MapMode::Read, move |r| {
            let _ = tx.send(r);
        });
        ctx.device
            .poll(wgpu::PollType::Wait {
                submission_index: Some(submission),
                timeout: Some(RUN_TIMEOUT),
            })
            .map_err(|e| GpuFailure::Failed(format!("waiting for the GPU: {e}")))?;
        match rx.recv_timeout(Duration::from_secs(1)) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(GpuFailure::Failed(format!("reading back: {e}"))),
            Err(_) => return Err(GpuFailure::Failed("readback never completed".into())),
        }
        let mut pixels = Vec::with_capacity(w as usize * h as usize * 4);
        {
            let data = slice
                .get_mapped_range()
                .map_err(|e| GpuFailure::Failed(format!("mapping the readback: {e}")))?;
            for r in data.chunks_exact(row as usize) {
                pixels.extend_from_slice(&r[..w as usize * 4]);
            }
        }
        readback.unmap();
        Ok(Image { width: w, height: h, pixels })
    }
}

/// A GPU buffer holding `contents`, written through the queue. Not wgpu's `create_buffer_init`:
/// that maps the buffer at creation and panics when the device has been lost, where this only
/// records an error that the run's error scopes report.
fn upload_buffer(
    ctx: &Context,
    label: &str,
    contents: &[u8],
    usage: wgpu::BufferUsages,
) -> wgpu::Buffer {
    // Buffer sizes are multiples of 4 (write_buffer's rule); params and tables already are.
    let size = (contents.len() as u64).next_multiple_of(4).max(4);
    let buffer = ctx.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size,
        usage: usage | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    if contents.len().is_multiple_of(4) {
        ctx.queue.write_buffer(&buffer, 0, contents);
    } else {
        let mut padded = contents.to_vec();
        padded.resize(size as usize, 0);
        ctx.queue.write_buffer(&buffer, 0, &padded);
    }
    buffer
}

/// One dispatch: shader, params bytes, storage buffers, output size.
struct Pass {
    shader: &'static str,
    params: Vec<u8>,
    extras: Vec<Vec<u8>>,
    width: u32,
    height: u32,
}

impl Pass {
    fn new(
        shader: &'static str,
        params: &[u8],
        extras: Vec<Vec<u8>>,
        width: u32,
        height: u32,
    ) -> Self {
        Pass { shader, params: params.to_vec(), extras, width, height }
    }
}

/// The pass for a [`Stage::Composite`] on a `base.0`×`base.1` image, checked like
/// `backend::cpu::run` checks it, or `None` when there is nothing to draw (no opacity, an empty
/// overlay, or one wholly outside the image: the CPU returns the image untouched, and no
/// zero-sized buffer reaches a bind group). The overlay travels as one storage binding, so one
/// larger than `max_binding` bytes is `Unsupported` — found here, before its pixels are copied.
fn composite_pass(
    p: &CompositeParams,
    overlay: &Image,
    base: (u32, u32),
    max_binding: u64,
) -> Result<Option<Pass>, GpuFailure> {
    let unsupported = |m: &str| Err(GpuFailure::Unsupported(m.to_string()));
    let (ow, oh) = (overlay.width, overlay.height);
    if !crate::backend::cpu::well_formed(overlay) || (ow, oh) != (p.width, p.height) {
        return unsupported("composite overlay malformed or not its params' size");
    }
    if p.opacity > 100 {
        return unsupported("composite opacity above 100");
    }
    if !p.tiling_is_valid() {
        return unsupported("composite tiling periods below the overlay size");
    }
    if overlay.pixels.len() as u64 > max_binding {
        return unsupported("composite overlay beyond the storage binding limit");
    }
    let (x, y) = (i64::from(p.x), i64::from(p.y));
    // A tiled overlay repeats over the whole plane: assume it meets the image.
    let overlaps = p.tiling().is_some()
        || (x < i64::from(base.0)
            && y < i64::from(base.1)
            && x + i64::from(ow) > 0
            && y + i64::from(oh) > 0);
    if p.opacity == 0 || ow == 0 || oh == 0 || !overlaps {
        return Ok(None);
    }
    let extras = vec![overlay.pixels.clone()];
    Ok(Some(Pass::new("composite", bytemuck::bytes_of(p), extras, base.0, base.1)))
}

fn cast<T: bytemuck::Pod>(v: &[T]) -> Vec<u8> {
    bytemuck::cast_slice(v).to_vec()
}

/// Bytes per row of the readback buffer: `4·w` rounded up to `COPY_BYTES_PER_ROW_ALIGNMENT` (256).
fn padded_row(w: u32) -> u64 {
    let align = u64::from(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT);
    (u64::from(w) * 4).div_ceil(align) * align
}

fn extent(w: u32, h: u32) -> wgpu::Extent3d {
    wgpu::Extent3d { width: w, height: h, depth_or_array_layers: 1 }
}

fn texture_desc(w: u32, h: u32, target: Target, upload: bool) -> wgpu::TextureDescriptor<'static> {
    let usage = if upload {
        wgpu::TextureUsages::TEXTURE_BINDING
            | wgpu::TextureUsages::COPY_DST
            | wgpu::TextureUsages::COPY_SRC
    } else {
        wgpu::TextureUsages::TEXTURE_BINDING
            | wgpu::TextureUsages::STORAGE_BINDING
            | wgpu::TextureUsages::COPY_SRC
    };
    wgpu::TextureDescriptor {
        label: None,
        size: extent(w, h),
        mip_level_count: 1,
        sample_count: 1,
        dimension: wgpu::TextureDimension::D2,
        format: format_of(target),
        usage,
        view_formats: &[],
    }
}

#[cfg(test)]
mod tests {
    use super::super::shaders_for;
    use super::*;
    use crate::pipeline::*;

    #[test]
    fn every_stage_names_known_shaders() {
        let samples = [
            Stage::Resize(ResizeParams { width: 1, height: 1, _pad: [0; 2] }),
            Stage::Blur(BlurParams { radius: 1, sigma: 1.0, _pad: [0; 2] }),
            Stage::composite(std::sync::Arc::new(Image::filled(1, 1, [0; 4])), 0, 0, 100),
        ];
        for s in samples {
            for name in shaders_for(&s) {
                assert!(SHADERS.iter().any(|i| i.name == *name), "{name}");
            }
        }
        assert_eq!(shader_index("blur_v"), 7);
        assert_eq!(padded_row(1), 256);
        assert_eq!(padded_row(64), 256);
        assert_eq!(padded_row(65), 512);
    }

    #[test]
    fn composite_pass_checks_the_overlay_and_skips_no_ops() {
        let ovl = Image::filled(16, 16, [1, 2, 3, 128]); // 1024 bytes
        let p = |x: i32, y: i32, opacity: u32| CompositeParams {
            x,
            y,
            width: 16,
            height: 16,
            opacity,
            step_x: 0,
            step_y: 0,
            row_shift: 0,
        };
        let pass = composite_pass(&p(-15, 99, 50), &ovl, (100, 100), 1024).unwrap().unwrap();
        assert_eq!((pass.shader, pass.width, pass.height), ("composite", 100, 100));
        assert_eq!(pass.extras, vec![ovl.pixels.clone()]);
        assert_eq!(pass.params, bytemuck::bytes_of(&p(-15, 99, 50)));
        // One byte over the binding limit: the whole plan goes to the CPU.
        assert!(matches!(
            composite_pass(&p(0, 0, 100), &ovl, (100, 100), 1023),
            Err(GpuFailure::Unsupported(_))
        ));
        // Nothing to draw: no pass (and no zero-sized buffer).
        for q in [p(-16, 0, 100), p(0, 100, 100), p(100, 0, 100), p(0, -16, 100), p(5, 5, 0)] {
            assert!(composite_pass(&q, &ovl, (100, 100), 1024).unwrap().is_none(), "{q:?}");
        }
        let empty = Image { width: 0, height: 16, pixels: vec![] };
        let q = CompositeParams { width: 0, ..p(0, 0, 100) };
        assert!(composite_pass(&q, &empty, (100, 100), 1024).unwrap().is_none());
        // Inconsistent stages, as backend::cpu::run rejects them.
        let q = CompositeParams { width: 15, ..p(0, 0, 100) };
        assert!(composite_pass(&q, &ovl, (100, 100), 1024).is_err());
        assert!(composite_pass(&p(0, 0, 101), &ovl, (100, 100), 1024).is_err());
        let short = Image { width: 16, height: 16, pixels: vec![0; 1023] };
        assert!(composite_pass(&p(0, 0, 100), &short, (100, 100), 1024).is_err());
        // Tiled: drawn even when the origin tile is off the image; periods below the overlay's
        // size, or a row shift past a period, are refused.
        let tiled = |sx, sy, shift| CompositeParams {
            step_x: sx,
            step_y: sy,
            row_shift: shift,
            ..p(500, 500, 100)
        };
        assert!(composite_pass(&tiled(20, 16, 10), &ovl, (100, 100), 1024).unwrap().is_some());
        for bad in [tiled(15, 16, 0), tiled(16, 15, 0), tiled(16, 16, 16), tiled(16, 0, 0)] {
            assert!(composite_pass(&bad, &ovl, (100, 100), 1024).is_err(), "{bad:?}");
        }
    }
}
