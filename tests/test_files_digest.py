"""The one file digest, ``wordspace._files.file_hash`` (tune's data fingerprints and the
pretrained downloads' MD5 checks both use it)."""

from __future__ import annotations

import hashlib

import pytest

from wordspace._files import file_hash


@pytest.mark.parametrize("algorithm", ["sha256", "md5"])
def test_file_hash_matches_hashlib_over_several_blocks(tmp_path, algorithm):
    data = bytes(range(256)) * 9000  # > 2 MiB: more than one read block
    p = tmp_path / "f.bin"
    p.write_bytes(data)
    h = file_hash(p, algorithm)
    assert h.hexdigest() == hashlib.new(algorithm, data).hexdigest()
    h.update(b"more")  # a resumed download goes on from the hash of the part it has
    assert h.hexdigest() == hashlib.new(algorithm, data + b"more").hexdigest()


def test_a_resumed_part_starts_from_the_bytes_on_disk(tmp_path):
    from wordspace.io.pretrained._download import _Part

    p = tmp_path / "model.gz.part"
    p.write_bytes(b"abc" * 1000)
    part = _Part(p)
    assert part.have == 3000
    assert part.md5.hexdigest() == hashlib.md5(b"abc" * 1000).hexdigest()
