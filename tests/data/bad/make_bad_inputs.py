"""A corpus of bad, odd and hostile input files for ``leaderboard extract`` / ``ingest``.

README
    The files are generated, never committed: ``tests/test_bad_inputs.py`` calls
    :func:`build` to write them into a pytest ``tmp_path``. By hand::

        python tests/data/bad/make_bad_inputs.py /tmp/bad      # writes and lists them

    The output is deterministic (random bytes come from a fixed seed). Cases:

    * refused: empty, whitespace only, random bytes, PDF, PNG, HTML page, malformed
      JSON lines (a broken line in the middle), JSON lines with a line nested 100,000
      arrays deep (beyond the JSON decoder's recursion limit), an empty directory, a
      missing path;
    * decoded (must give claims): Latin-1 daily-papers dump, UTF-16 with BOM, UTF-8
      with BOM, CRLF and CR-only line ends -- :data:`DECODED_TEXT` holds the text each
      of them must decode to;
    * partial but readable: JSON lines whose last line is cut mid-object, a
      daily-papers dump cut after a title;
    * bounded: one 50 MiB line without a line end (written in 1 MiB chunks);
    * ``unreadable``: a readable abstract with mode 000 (root still reads it).

    ``missing`` is returned but not created.
"""

from __future__ import annotations

import codecs
import os
import random
import struct
import sys
import zlib
from pathlib import Path

#: Size of the single-line file (bytes = characters: it is ASCII).
HUGE_LINE_BYTES = 50 * 1024 * 1024
_CHUNK = 1024 * 1024
_SEED = 20240601

_LATIN1 = (
    "Über-efficient décodage for small models\n"
    "\n"
    "We study über-efficient décodage for small language models trained on a modest "
    "budget of tokens, with a careful ablation of every component of the recipe, of the "
    "data mixture and of the tokenizer. Our model Zürich-7B reaches 84.5% accuracy on "
    "MMLU and is 3x faster than the baseline at inference time, while using the same "
    "hardware, the same data and the same number of training steps as that baseline.\n"
    "\n"
    "Mar 4, 2024 12\n"
    "\n"
    "Müller-Net: schnelle Bildklassifikation für alle\n"
    "\n"
    "We present Müller-Net, a convolutional network for image classification whose "
    "design is derived from a small search over depth and width under a strict latency "
    "budget on commodity hardware, with no extra data. Müller-Net achieves 91.2% top-1 "
    "accuracy on ImageNet, a 2.3 point gain over ResNet-50, and we release the code, the "
    "trained weights and the full training logs for every run.\n"
    "\n"
    "Mar 5, 2024 7\n"
)

# A title, a blank line, an abstract paragraph: plain text. Non-ASCII characters (one
# outside the BMP: two UTF-16 code units, one character) sit before the numbers, so
# wrong offsets show.
_PLAIN = (
    "Café-LM {tag}: a small model for maths\n"
    "\n"
    "We present Café-LM 𝔽, a compact language model for grade-school maths and code,\n"
    "trained with a simple curriculum ({tag}). Café-LM scores 72.4 on GSM8K and\n"
    "65.0% on HumanEval with 1.5x fewer FLOPs than the strongest open baseline.\n"
)

#: What each decodable case must decode to (:func:`leaderboard.sources.read_text`).
DECODED_TEXT: dict[str, str] = {
    "latin1": _LATIN1,
    "utf16_bom": _PLAIN.format(tag="UTF-16"),
    "utf8_bom": _PLAIN.format(tag="UTF-8 BOM"),
    "crlf": _PLAIN.format(tag="CRLF").replace("\n", "\r\n"),
    "cr": _PLAIN.format(tag="CR").replace("\n", "\r"),
}

_JSON_LINES = (
    '{"id": "2401.00001", "title": "Caf\\u00e9-LM", "authors": "A. One and B. Two", '
    '"categories": "cs.CL", "abstract": "  We present Caf\\u00e9-LM, a compact model.\\n'
    'It scores 72.4 on GSM8K and 65.0% on HumanEval.\\n", "update_date": "2024-01-02"}\n'
    '{"id": "2401.00002", "title": "FooNet", "authors": "C. Three", '
    '"categories": "cs.CV", "abstract": "FooNet reaches 91.2% accuracy on CIFAR-10 and '
    'is 2x faster than BarNet.", "update_date": "2024-01-03"}\n'
)
_JSON_CUT = (
    '{"id": "2401.00003", "title": "Cut", "abstract": "BazNet reaches 88.'
)
_JSON_DEEP = '{"id": "2401.00005", "abstract": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
_JSON_BROKEN = '{"id": "2401.00004", "title": "Broken", "abstract": "QuxNet reaches 77.7%\n'

_DAILY_CUT = (
    "Daily Papers\n"
    "Get trending papers in your email inbox!\n"
    "\n"
    "Sparse Mixtures for Long Context\n"
    "\n"
    "We introduce a sparse mixture of experts for long-context language modelling that "
    "routes every token to two of sixty-four experts and keeps the compute per token "
    "constant as the context grows, together with a new load-balancing loss. Our model "
    "reaches 81.3% accuracy on MMLU and is 4x cheaper to serve than a dense model of "
    "the same quality on the long-context benchmarks we study in this paper.\n"
    "\n"
    "  • 5 authors\n"
    "·\n"
    "Mar 4, 2024 31\n"
    "\n"
    "Tiny Recursive Reasoners\n"
    "\n"
    "We show that a tiny recursive network, trained from scratch on a thousand examples "
    "with heavy augmentation, solves hard puzzles that large language models fail on, "
    "without any pretraining or chain-of-thought data. It scores 45.0% on ARC-AGI-1 "
    "with 7M parameters, beating models with a thousand times more parameters, and we "
    "analyse why depth through recursion helps more than width in this regime.\n"
    "\n"
    "  • 2 authors\n"
    "·\n"
    "Mar 5, 2024 18\n"
    "\n"
    "A Third Paper Whose Abstract Was Never Downloaded\n"
)

_HTML = (
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">"
    "<title>Daily Papers</title></head>\n<body>\n<h1>FooNet</h1>\n"
    "<p>FooNet reaches 91.2% accuracy on CIFAR-10 and is 2x faster than BarNet.</p>\n"
    "</body>\n</html>\n"
)

_PDF = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Size 3 /Root 1 0 R >>\n%%EOF\n"
)

_UNREADABLE = (
    "BarNet reaches 88.8% accuracy on CIFAR-100 and is 1.7x faster than FooNet, with no "
    "extra data and the same training budget.\n"
)


def _png_1x1() -> bytes:
    """A valid 1x1 8-bit greyscale PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00\x7f", 9)  # filter byte 0, one grey pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _write_huge_line(path: Path) -> None:
    """HUGE_LINE_BYTES of ASCII words with a few numbers, no line end, 1 MiB at a time."""
    filler = "the model is trained on more data and evaluated on many tasks with care "
    with path.open("wb") as fh:
        for i in range(HUGE_LINE_BYTES // _CHUNK):
            lead = f"Block {i} of FooNet reaches {50 + i % 40}.5% accuracy on MMLU. "
            block = (lead + filler * (_CHUNK // len(filler) + 1))[: _CHUNK - 1] + " "
            fh.write(block.encode("ascii"))


def build(folder: Path) -> dict[str, Path]:
    """Write the corpus into ``folder`` (created if needed); case name -> path.

    ``missing`` is not created; ``directory`` is an empty folder; ``unreadable`` has
    mode 000 (permission bits do not stop root from reading it).
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}

    def put(name: str, filename: str, data: bytes) -> None:
        path = folder / filename
        path.write_bytes(data)
        paths[name] = path

    put("empty", "empty.txt", b"")
    put("whitespace", "whitespace.txt", b"  \n\t\n   \r\n\n")
    put("random_bytes", "random.bin", random.Random(_SEED).randbytes(4096))
    put("pdf", "paper.pdf", _PDF)
    put("png", "figure.png", _png_1x1())
    put("latin1", "daily_latin1.txt", DECODED_TEXT["latin1"].encode("latin-1"))
    put("utf16_bom", "utf16_bom.txt",
        codecs.BOM_UTF16_LE + DECODED_TEXT["utf16_bom"].encode("utf-16-le"))
    put("utf8_bom", "utf8_bom.txt", codecs.BOM_UTF8 + DECODED_TEXT["utf8_bom"].encode("utf-8"))
    put("crlf", "crlf.txt", DECODED_TEXT["crlf"].encode("utf-8"))
    put("cr", "cr.txt", DECODED_TEXT["cr"].encode("utf-8"))
    huge = folder / "huge_line.txt"
    _write_huge_line(huge)
    paths["huge_line"] = huge
    put("jsonl_truncated", "truncated.jsonl", (_JSON_LINES + _JSON_CUT).encode("utf-8"))
    first, second = _JSON_LINES.splitlines(keepends=True)
    put("jsonl_malformed", "malformed.jsonl", (first + _JSON_BROKEN + second).encode("utf-8"))
    put("jsonl_deep", "deep.jsonl", (first + _JSON_DEEP + second).encode("utf-8"))
    put("html", "page.html", _HTML.encode("utf-8"))
    put("daily_cut", "daily_cut.txt", _DAILY_CUT.encode("utf-8"))
    directory = folder / "a_directory"
    directory.mkdir(exist_ok=True)
    paths["directory"] = directory
    paths["missing"] = folder / "does_not_exist.txt"
    put("unreadable", "unreadable.txt", _UNREADABLE.encode("utf-8"))
    os.chmod(paths["unreadable"], 0)
    return paths


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: make_bad_inputs.py FOLDER", file=sys.stderr)
        return 2
    for name, path in build(Path(argv[0])).items():
        print(f"{name}\t{path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
