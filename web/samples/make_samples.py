#!/usr/bin/python3
"""The page's sample gallery: the photos of tests/data/images (see SOURCES.md there) re-encoded as
JPEG with the longer side at most 448 pixels, so they embed in the single-file page cheaply.
  /usr/bin/python3 web/samples/make_samples.py
"""
import os

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "..", "..", "tests", "data", "images")

for name in ["chelsea.png", "coffee.png", "astronaut.png", "rocket.jpg", "camera.png"]:
    image = Image.open(os.path.join(SOURCE, name)).convert("RGB")
    image.thumbnail((448, 448), Image.LANCZOS)
    image.save(os.path.join(HERE, os.path.splitext(name)[0] + ".jpg"), quality=85, optimize=True)
