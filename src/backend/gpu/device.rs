//! One opened device: the queue, the compiled compute pipelines (one per shader, bind group
//! layouts by the shader conventions of design.md) and the flag that says it was lost.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::shaders::{format_of, ShaderInfo, SHADERS};

pub(super) struct Pipeline {
    pub(super) layout: wgpu::BindGroupLayout,
    pub(super) pipeline: wgpu::ComputePipeline,
}

/// One opened device: its queue, the compiled pipelines and whether it has been lost.
pub(super) struct Context {
    pub(super) device: wgpu::Device,
    pub(super) queue: wgpu::Queue,
    /// One per shader, in [`SHADERS`] order.
    pub(super) pipelines: Vec<Pipeline>,
    /// Set by the device-lost callback.
    pub(super) lost: Arc<AtomicBool>,
}

impl Context {
    /// Opens a device on `adapter` with its full limits and compiles every pipeline.
    pub(super) fn open(
        adapter: &wgpu::Adapter,
        info: &wgpu::AdapterInfo,
        limits: &wgpu::Limits,
    ) -> Result<Context, String> {
        let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
            label: Some("ossimg"),
            required_features: wgpu::Features::empty(),
            required_limits: limits.clone(),
            ..Default::default()
        }))
        .map_err(|e| format!("cannot open a device on {}: {e}", info.name))?;
        // Errors outside a scope are logged, never turned into a panic (wgpu's default).
        device.on_uncaptured_error(Arc::new(|e: wgpu::Error| {
            eprintln!("ossimg: GPU error outside a run: {e}");
        }));
        let lost = Arc::new(AtomicBool::new(false));
        let flag = lost.clone();
        device.set_device_lost_callback(move |reason, msg| {
            flag.store(true, Ordering::SeqCst);
            if reason != wgpu::DeviceLostReason::Destroyed {
                eprintln!("ossimg: GPU device lost ({reason:?}): {msg}");
            }
        });

        let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
        let pipelines = SHADERS.iter().map(|s| Self::pipeline(&device, s)).collect();
        if let Some(e) = pollster::block_on(scope.pop()) {
            return Err(format!("shader compilation failed on {}: {e}", info.name));
        }
        Ok(Context { device, queue, pipelines, lost })
    }

    fn pipeline(device: &wgpu::Device, s: &ShaderInfo) -> Pipeline {
        let compute = wgpu::ShaderStages::COMPUTE;
        let mut entries = vec![
            wgpu::BindGroupLayoutEntry {
                binding: 0,
                visibility: compute,
                ty: wgpu::BindingType::Buffer {
                    ty: wgpu::BufferBindingType::Uniform,
                    has_dynamic_offset: false,
                    min_binding_size: wgpu::BufferSize::new(s.params_size as u64),
                },
                count: None,
            },
            wgpu::BindGroupLayoutEntry {
                binding: 1,
                visibility: compute,
                // textureLoad only: rgba32float sources are not filterable.
                ty: wgpu::BindingType::Texture {
                    sample_type: wgpu::TextureSampleType::Float { filterable: false },
                    view_dimension: wgpu::TextureViewDimension::D2,
                    multisampled: false,
                },
                count: None,
            },
            wgpu::BindGroupLayoutEntry {
                binding: 2,
                visibility: compute,
                ty: wgpu::BindingType::StorageTexture {
                    access: wgpu::StorageTextureAccess::WriteOnly,
                    format: format_of(s.target),
                    view_dimension: wgpu::TextureViewDimension::D2,
                },
                count: None,
            },
        ];
        for i in 0..s.extras {
            entries.push(wgpu::BindGroupLayoutEntry {
                binding: 3 + i,
                visibility: compute,
                ty: wgpu::BindingType::Buffer {
                    ty: wgpu::BufferBindingType::Storage { read_only: true },
                    has_dynamic_offset: false,
                    min_binding_size: None,
                },
                count: None,
            });
        }
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some(s.name),
            entries: &entries,
        });
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some(s.name),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some(s.name),
            source: wgpu::ShaderSource::Wgsl(s.source.into()),
        });
        let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some(s.name),
            layout: Some(&pipeline_layout),
            module: &module,
            entry_point: Some("main"),
            compilation_options: Default::default(),
            cache: None,
        });
        Pipeline { layout, pipeline }
    }
}
