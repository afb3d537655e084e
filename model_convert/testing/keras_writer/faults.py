"""Hostile-input variants of a written file (`--fault`). Faults that need the model itself
(wrong-shape, nan-weight, config-names-missing-layer) are applied while writing (build.py);
the rest rewrite the finished file here."""
import os
import struct
import zipfile

ZIP_FAULTS = ["member-4gb", "compressed", "duplicate-member", "missing-config",
              "missing-weights", "config-not-json", "not-a-zip", "name-mismatch"]
WRITE_FAULTS = ["config-names-missing-layer", "wrong-shape", "nan-weight"]
FILE_FAULTS = ["truncated"]
ALL = ZIP_FAULTS + WRITE_FAULTS + FILE_FAULTS
H5_FAULTS = WRITE_FAULTS + FILE_FAULTS


def _rezip(path, transform):
    """Copies every member (info and bytes) into a new archive through `transform`, which
    returns [(ZipInfo, bytes, compress_type)]."""
    tmp = path + ".fault"
    with zipfile.ZipFile(path) as src, open(tmp, "wb") as f, zipfile.ZipFile(f, "w") as dst:
        for info in src.infolist():
            for zi, data, ctype in transform(info, src.read(info.filename)):
                zi.compress_type = ctype
                dst.writestr(zi, data)
    os.replace(tmp, path)


def _copy(info):
    zi = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    zi.external_attr = info.external_attr
    return zi


def _claim_4gb(path):
    """Patches model.weights.h5's local header and central directory entry so both claim an
    uncompressed and compressed size of 0xFFFFFFFE bytes (~4 GB) without zip64 extras."""
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("model.weights.h5")
        lh = info.header_offset
        assert data[lh:lh + 4] == b"PK\x03\x04"
        struct.pack_into("<II", data, lh + 18, 0xFFFFFFFE, 0xFFFFFFFE)
        cd, pos = -1, 0
        while True:
            pos = data.find(b"PK\x01\x02", pos)
            if pos < 0:
                break
            name_len = struct.unpack_from("<H", data, pos + 28)[0]
            if data[pos + 46:pos + 46 + name_len] == b"model.weights.h5":
                struct.pack_into("<II", data, pos + 20, 0xFFFFFFFE, 0xFFFFFFFE)
                cd = pos
                break
            pos += 4
        assert cd >= 0
        f.seek(0)
        f.write(data)


def _swap_names(data):
    """model.weights.h5 (bytes) with the `name` attributes (Keras >= 3.6) of its first two vars
    groups swapped: the weights no longer sit where the config's layers say."""
    import io
    import h5py
    buffer = io.BytesIO(data)
    with h5py.File(buffer, "r+") as f:
        groups = [f["layers"][k]["vars"] for k in f["layers"]
                  if "vars" in f["layers"][k] and "name" in f["layers"][k]["vars"].attrs]
        a, b = groups[0], groups[1]
        a_name, b_name = a.attrs["name"], b.attrs["name"]
        a.attrs["name"], b.attrs["name"] = b_name, a_name
    return buffer.getvalue()


def apply(path, fault):
    if fault == "truncated":
        os.truncate(path, os.path.getsize(path) // 2)
    elif fault == "not-a-zip":
        with open(path, "w") as f:
            f.write("This is not a Keras model: the archive was replaced by text.\n")
    elif fault == "member-4gb":
        _claim_4gb(path)
    elif fault == "compressed":
        _rezip(path, lambda i, d: [(_copy(i), d, zipfile.ZIP_DEFLATED
                                    if i.filename == "model.weights.h5" else zipfile.ZIP_STORED)])
    elif fault == "duplicate-member":
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
            _rezip(path, lambda i, d: [(_copy(i), d, zipfile.ZIP_STORED)] * (
                2 if i.filename == "config.json" else 1))
    elif fault == "missing-config":
        _rezip(path, lambda i, d: [] if i.filename == "config.json"
               else [(_copy(i), d, zipfile.ZIP_STORED)])
    elif fault == "missing-weights":
        _rezip(path, lambda i, d: [] if i.filename == "model.weights.h5"
               else [(_copy(i), d, zipfile.ZIP_STORED)])
    elif fault == "config-not-json":
        _rezip(path, lambda i, d: [(_copy(i), d[: len(d) // 2] + b"<not json>"
                                    if i.filename == "config.json" else d, zipfile.ZIP_STORED)])
    elif fault == "name-mismatch":
        _rezip(path, lambda i, d: [(_copy(i), _swap_names(d) if i.filename == "model.weights.h5"
                                    else d, zipfile.ZIP_STORED)])
    else:
        raise ValueError(fault)


