"""Photos sent with a tip: checked by what they are, not what they claim to be, and
re-encoded so that nothing but the pixels survives (no GPS position, phone model or time
in EXIF/XMP that could identify the person who took it)."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 4 * 1024 * 1024  # what a phone photo is; the request limit is 5 MB
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding
MAX_SIDE = 2000  # enough to read a number plate; smaller to store and send
ALLOWED = {"JPEG", "PNG", "WEBP"}
MAX_PHOTOS = 3


def clean_photo(data: bytes) -> tuple[bytes, str, int, int]:
    """(JPEG bytes without metadata, content type, width, height), or ValidationError."""
    if len(data) > MAX_BYTES:
        raise ValidationError(_("This photo is too large (at most 4 MB)."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            if kind not in ALLOWED:
                raise ValidationError(_("Only photos can be attached (JPEG, PNG or WebP)."))
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("This photo is too large (at most 40 megapixels)."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as opened:
            upright = ImageOps.exif_transpose(opened)  # keep it upright once EXIF is gone
            image = upright.convert("RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            # A fresh JPEG from the pixels only: no exif=, no icc_profile=, no XMP.
            image.save(out, format="JPEG", quality=85, optimize=True)
            return out.getvalue(), "image/jpeg", image.width, image.height
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("This file is not a photo we can read.")) from None
