"""Images of a visible digital signature as Decree 30/2020/NĐ-CP (Appendix I) prescribes,
drawn with Pillow from local fonts (no download, no Django import).

- the signer's signature image is blue and sits between the title and the full name;
- the organisation's seal image is red and covers about one third of the signature image,
  on its left;
- the authority prefix (TM., KT., Q., TL., TUQ.) stands before the title.

A real deployment uploads the scanned signature and seal; the demo and the tests draw a
stand-in: a scribble seeded by the name and a round seal with the organisation's name.
"""

from __future__ import annotations

import hashlib
import io
import math
import random

from PIL import Image, ImageDraw, ImageFont

from tinhso.core.pdf import FONT_BOLD, SERIF, SERIF_BOLD, SERIF_ITALIC, font_path

BLUE = (20, 50, 170, 255)
RED = (210, 20, 30, 255)
BLACK = (0, 0, 0, 255)

#: Authority prefixes of Decree 30 (Art. 13, Appendix I): thay mặt, ký thay, quyền,
#: thừa lệnh, thừa ủy quyền.
AUTHORITY_PREFIXES = ("TM.", "KT.", "Q.", "TL.", "TUQ.")


def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(name)), size)


def _seed(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def signature_image(name: str, *, width: int = 360, height: int = 150) -> Image.Image:
    """A blue handwritten-looking stroke, always the same for the same name."""
    rng = random.Random(_seed(name))
    img = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    points = []
    loops = 5 + rng.randint(0, 3)
    for i in range(loops * 12 + 1):
        t = i / (loops * 12)
        x = width * (0.08 + 0.84 * t) + 18 * math.sin(t * loops * 2 * math.pi)
        y = height * (0.55 + 0.28 * math.sin(t * loops * 2 * math.pi + rng.random()))
        y += rng.uniform(-6, 6)
        points.append((x, y))
    draw.line(points, fill=BLUE, width=4, joint="curve")
    # the underline flourish
    draw.line([(width * 0.15, height * 0.82), (width * 0.9, height * 0.7)], fill=BLUE, width=3)
    initials = "".join(part[0] for part in name.split() if part)[-3:]
    draw.text((width * 0.12, height * 0.05), initials, font=_font(SERIF_ITALIC, 44), fill=BLUE)
    return img


def seal_image(organisation: str, *, size: int = 300, below: str = "") -> Image.Image:
    """A red round seal: two rings, the organisation's name around the upper arc (and
    ``below`` around the lower one), a star in the middle."""
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    c, r = size / 2, size / 2 - 4
    draw.ellipse([c - r, c - r, c + r, c + r], outline=RED, width=7)
    draw.ellipse([c - r * 0.66, c - r * 0.66, c + r * 0.66, c + r * 0.66], outline=RED, width=3)
    star = []
    for i in range(10):
        angle = -math.pi / 2 + i * math.pi / 5
        rr = r * (0.3 if i % 2 == 0 else 0.12)
        star.append((c + rr * math.cos(angle), c + rr * math.sin(angle)))
    draw.polygon(star, fill=RED)
    _arc_text(img, organisation.upper(), c, r * 0.83, size=int(size * 0.075), top=True)
    if below:
        _arc_text(img, below.upper(), c, r * 0.83, size=int(size * 0.07), top=False)
    return img


def _arc_text(img: Image.Image, text: str, c: float, radius: float, *, size: int,
              top: bool) -> None:
    font = _font(FONT_BOLD, size)
    widths = [font.getlength(ch) for ch in text]
    total = sum(widths) * 1.05
    # Keep the text inside 300 degrees of the circle: shrink the spacing when it is long.
    span = min(total / radius, math.radians(300 if top else 140))
    scale = span / (total / radius) if total else 1.0
    angle = -math.pi / 2 - span / 2 if top else math.pi / 2 + span / 2
    for ch, w in zip(text, widths, strict=True):
        step = w * 1.05 * scale / radius
        mid = angle + step / 2 if top else angle - step / 2
        glyph = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((size, size), ch, font=font, fill=RED, anchor="mm")
        rotation = -math.degrees(mid) - 90 if top else -math.degrees(mid) + 90
        glyph = glyph.rotate(rotation, resample=Image.Resampling.BICUBIC)
        x = c + radius * math.cos(mid) - size
        y = c + radius * math.sin(mid) - size
        img.alpha_composite(glyph, (int(x), int(y)))
        angle = angle + step if top else angle - step


def signature_block(*, authority: str, authority_of: str, title: str, name: str,
                    signature: Image.Image | None = None, seal: Image.Image | None = None,
                    width: int = 720, height: int = 480) -> Image.Image:
    """The whole visible block: ``TM. ỦY BAN NHÂN DÂN`` / ``CHỦ TỊCH`` (or
    ``KT. CHỦ TỊCH`` / ``PHÓ CHỦ TỊCH``), the blue signature between title and name with
    the red seal over its left third, then the signer's full name."""
    if authority and authority not in AUTHORITY_PREFIXES:
        raise ValueError(f"unknown authority prefix {authority!r}")
    img = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    bold = _font(SERIF_BOLD, 30)
    y = 8
    lines = []
    if authority:
        lines.append(f"{authority} {authority_of}".strip())
    elif authority_of:
        lines.append(authority_of)
    lines.append(title)
    for line in lines:
        if line:
            draw.text((width / 2, y), line.upper(), font=bold, fill=BLACK, anchor="ma")
            y += 40
    name_y = height - 46
    area_top, area_bottom = y + 6, name_y - 8
    area_h = area_bottom - area_top
    sig = signature or signature_image(name)
    sig_w = int(width * 0.56)
    sig = sig.resize((sig_w, int(sig.height * sig_w / sig.width)))
    if sig.height > area_h:
        sig = sig.resize((int(sig.width * area_h / sig.height), area_h))
    sig_x = int((width - sig.width) / 2)
    sig_y = int(area_top + (area_h - sig.height) / 2)
    img.alpha_composite(sig, (sig_x, sig_y))
    if seal is not None:
        seal_size = min(area_h + 20, int(sig.width * 0.8))
        seal = seal.resize((seal_size, seal_size))
        # The seal's right edge ends a third of the way into the signature: it covers the
        # signature's left third.
        seal_x = int(sig_x + sig.width / 3 - seal_size)
        seal_y = int(sig_y + sig.height / 2 - seal_size / 2)
        img.alpha_composite(seal, (max(seal_x, 0), max(seal_y, 0)))
    draw.text((width / 2, name_y), name, font=bold, fill=BLACK, anchor="ma")
    return img


def attachment_stamp(*, organisation: str, number_symbol: str, signed_at: str,
                     width: int = 620, height: int = 170) -> Image.Image:
    """The organisation's mark on an attachment (top right of its first page): who signed,
    the number-symbol of the document it belongs to, and when."""
    img = Image.new("RGBA", (width, height), (255, 255, 255, 235))
    draw = ImageDraw.Draw(img)
    draw.rectangle([1, 1, width - 2, height - 2], outline=RED, width=3)
    regular, bold = _font(SERIF, 24), _font(SERIF_BOLD, 26)
    draw.text((16, 12), organisation, font=bold, fill=RED)
    draw.text((16, 62), f"Số, ký hiệu: {number_symbol}", font=regular, fill=BLACK)
    draw.text((16, 104), f"Thời gian ký: {signed_at}", font=regular, fill=BLACK)
    return img


def png_bytes(img: Image.Image) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format="PNG")
    return buffer.getvalue()
