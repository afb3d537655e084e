#!/usr/bin/env python3
"""Writes small image seeds for image_fuzzer: the sample photos shrunk to a few dozen pixels, in
every PNG, JPEG, GIF and BMP variant stb_image decodes differently (colour types, bit depths,
interlacing, progressive and grayscale JPEG, subsampling, palettes). Small seeds keep each
execution in the microseconds; the full-size photos made it ~20 executions a second.

usage: make_image_seeds.py PHOTO... -o DIR
"""
import argparse
import os

from PIL import Image


def variants(photo):
    small = photo.convert("RGB").resize((37, 23), Image.BILINEAR)
    yield "png-rgb.png", small, {}
    yield "png-rgba.png", small.convert("RGBA"), {}
    yield "png-gray.png", small.convert("L"), {}
    yield "png-gray16.png", small.convert("L").convert("I;16"), {}
    yield "png-palette.png", small.convert("P", palette=Image.ADAPTIVE, colors=16), {}
    yield "png-1bit.png", small.convert("1"), {}
    yield "png-interlaced.png", small, {"interlace": 1}
    yield "jpg-baseline.jpg", small, {"quality": 75}
    yield "jpg-progressive.jpg", small, {"quality": 75, "progressive": True}
    yield "jpg-gray.jpg", small.convert("L"), {"quality": 75}
    yield "jpg-444.jpg", small, {"quality": 90, "subsampling": 0}
    yield "jpg-422.jpg", small, {"quality": 90, "subsampling": 1}
    yield "jpg-cmyk.jpg", small.convert("CMYK"), {"quality": 75}
    yield "gif-palette.gif", small.convert("P", palette=Image.ADAPTIVE, colors=32), {}
    yield "bmp-rgb.bmp", small, {}
    yield "bmp-palette.bmp", small.convert("P", palette=Image.ADAPTIVE, colors=16), {}
    yield "bmp-1bit.bmp", small.convert("1"), {}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("photos", nargs="+")
    parser.add_argument("-o", "--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for path in args.photos:
        stem = os.path.splitext(os.path.basename(path))[0]
        with Image.open(path) as photo:
            for name, image, options in variants(photo):
                image.save(os.path.join(args.out, f"seed-{stem}-{name}"), **options)


if __name__ == "__main__":
    main()
