"""Regenerates the reference decodes of tests/formats.rs (tests/data/formats-ref/*.png).

Independent decoders: Pillow 13 (TIFF through libtiff, AVIF through libavif) and pillow-heif 1.8
(its own libheif build, which has no AV1 decoder) for HEIC; both apply irot/imir/clap as the
container says (Pillow's AVIF plugin through `ImageOps.exif_transpose`, see below). Embedded ICC profiles
are converted to sRGB with Pillow's LittleCMS (perceptual intent), the way ossimg does. Every
reference is RGBA 8-bit, upright, and reduced by an integer box filter (`Image.reduce`, the
same averaging the test applies to ossimg's decode) to at most 256 px on its long side, so the
references stay small.

    python3 -m venv v && v/bin/pip install pillow==13.0.0 pillow-heif==1.8.1
    v/bin/python tests/formats/make_refs.py
"""
import io
import os
import sys

import pillow_heif
from PIL import Image, ImageCms, ImageOps

DATA = os.path.join(os.path.dirname(__file__), "..", "data")
OUT = os.path.join(DATA, "formats-ref")

NAMES = sys.argv[1:] or [
    "heic-orientation-6.heic", "with-alpha-512x512.heic", "rainbow-451x461.heic",
    "example.heic", "winter_1440x960.heic", "hopper.heif", "image.heic",
    "fox.profile0.8bpc.yuv420.avif", "fox.profile0.10bpc.yuv420.avif",
    "fox.profile2.12bpc.yuv420.avif", "fox.profile1.8bpc.yuv444.avif",
    "fox.profile2.8bpc.yuv422.avif", "fox.profile0.8bpc.yuv420.monochrome.avif",
    "fox.profile0.8bpc.yuv420.odd-width.odd-height.avif", "transparency.avif",
    "sofa_grid1x5_420.avif", "Tomsk_with_thumbnails.avif", "exif.avif", "hopper.avif",
    "rot0mir0.avif", "rot0mir1.avif", "rot1mir0.avif", "rot1mir1.avif", "rot2mir0.avif",
    "rot2mir1.avif", "rot3mir0.avif", "rot3mir1.avif", "kimono.avif", "kimono.rotate90.avif",
    "kimono.mirror-horizontal.avif",
    "abc_color_irot_alpha_irot.avif", "icc_profile.avif",
    "ycbcr_jpeg_8bit.tif", "tiff_tiled_ycbcr_jpeg_1x1_sampling.tif", "ojpeg-strip.tif",
    "tiff_strip_cmyk_jpeg.tif", "multipage.tiff", "hpredict.tiff", "1bit.tif", "2bit.tif",
    "4bit.tif", "12bit.cropped.tif", "16bit.cropped.tif", "16bit.MM.deflate.tif",
    "8bit_depth.tiff", "rgba_planar.tif", "hopper.tif",
]

SRGB = ImageCms.createProfile("sRGB")


def reference(path):
    if path.endswith((".heic", ".heif")):
        im = pillow_heif.open_heif(path, convert_hdr_to_8bit=True).to_pillow()
    else:
        im = Image.open(path)
        im.seek(0)
        data = open(path, "rb").read()
        if path.endswith(".avif") and (b"irot" in data or b"imir" in data):
            # Pillow's libavif plugin reports irot/imir as an EXIF orientation instead of
            # applying them.
            im = ImageOps.exif_transpose(im)
    icc = im.info.get("icc_profile")
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        # Grey deeper than 8 bits: scale the stored range to 8 bits, rounded.
        bits = {"12bit.cropped.tif": 12}.get(os.path.basename(path), 16)
        top = (1 << bits) - 1
        values = [round(min(v, top) * 255 / top) for v in im.convert("I").getdata()]
        grey = Image.new("L", im.size)
        grey.putdata(values)
        im = grey
    if im.mode == "CMYK":
        im = im.convert("RGB")
    rgba = im.convert("RGBA")
    if icc and im.mode != "L":
        rgb = ImageCms.profileToProfile(
            rgba.convert("RGB"), ImageCms.ImageCmsProfile(io.BytesIO(icc)), SRGB,
            renderingIntent=ImageCms.Intent.PERCEPTUAL)
        rgb.putalpha(rgba.getchannel("A"))
        rgba = rgb
    return rgba


os.makedirs(OUT, exist_ok=True)
for name in NAMES:
    ref = reference(os.path.join(DATA, name))
    factor = -(-max(ref.size) // 256)
    if factor > 1:
        ref = ref.reduce(factor)
    ref.save(os.path.join(OUT, name + ".png"), optimize=True)
    print(name, ref.size)
