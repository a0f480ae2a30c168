"""Bytes to text, the same way for every reader, so offsets mean the same everywhere.

Rules (:func:`decode_bytes`), applied to the whole file (after gzip decompression):

* a UTF-8 byte order mark is stripped and the rest decoded as UTF-8: **offsets are
  then into the text after the BOM** (the BOM is not a character of the text);
* a UTF-16 or UTF-32 byte order mark selects that codec (the BOM is dropped too;
  malformed code units become U+FFFD);
* valid UTF-8 is UTF-8;
* anything else is cp1252, with the five bytes cp1252 leaves undefined mapped as
  latin-1, so decoding never fails;
* binary files are refused with :class:`SourceError`: known magic numbers (PDF,
  PNG, zip, ...) or a NUL byte in the first 8 KB of a file without a UTF-16/32 BOM.

Line ends are never translated: ``"\\r\\n"`` is two characters of the text.
Gzip input (recognised by its magic bytes, whatever the file is called) is
decompressed first; offsets are into the decompressed, decoded text.
"""

from __future__ import annotations

import codecs
import gzip
import io
import sys
import zlib
from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING, Protocol, TypeVar

from leaderboard.sources.errors import SourceError

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

_T = TypeVar("_T")


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


#: How much of a file is sniffed for its format and for binary content.
HEAD_BYTES = 64 * 1024
_NUL_SNIFF_BYTES = 8 * 1024
_GZIP_MAGIC = b"\x1f\x8b"

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"PK\x03\x04", "zip archive"),
    (b"PK\x05\x06", "zip archive"),
    (b"\xfd7zXZ\x00", "xz archive; only gzip compression is supported"),
    (b"(\xb5/\xfd", "zstd archive; only gzip compression is supported"),
    (b"7z\xbc\xaf'\x1c", "7z archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office document"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\x7fELF", "executable"),
)

# Longest BOM first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_FALLBACK_ERRORS = "leaderboard-sources-latin1"


def _latin1_for_undefined(exc: UnicodeError) -> tuple[str, int]:
    """cp1252 leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined: take them as latin-1."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


codecs.register_error(_FALLBACK_ERRORS, _latin1_for_undefined)

#: Encoding name reported for the cp1252 fallback.
FALLBACK_ENCODING = "cp1252"


def bom_encoding(data: bytes) -> str | None:
    """The codec a byte order mark at the start of ``data`` selects, or None."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def check_not_binary(head: bytes, path: str) -> None:
    """Raise SourceError if the first bytes of a file show it is not text."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise SourceError(path, f"binary file ({what})")
    if head.startswith(_GZIP_MAGIC):
        raise SourceError(path, "binary file (gzip inside gzip)")
    encoding = bom_encoding(head)
    if encoding in ("utf-16", "utf-32"):
        return
    if b"\x00" in head[:_NUL_SNIFF_BYTES]:
        raise SourceError(path, "binary file (NUL bytes; not text)")


def decode_bytes(data: bytes, path: str = "<bytes>") -> str:
    """Decode a whole file's bytes by the module rules; never fails on text.

    Raises SourceError for binary content. ``path`` is only used in that message.
    """
    check_not_binary(data[:HEAD_BYTES], path)
    encoding = bom_encoding(data)
    if encoding in ("utf-16", "utf-32"):
        return data.decode(encoding, errors="replace")
    body = data[len(codecs.BOM_UTF8) :] if encoding == "utf-8-sig" else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode(FALLBACK_ENCODING, errors=_FALLBACK_ERRORS)


def decode_head(head: bytes, path: str = "<bytes>") -> str:
    """Decode the first bytes of a file for sniffing: like :func:`decode_bytes`, but a
    character cut at the end of ``head`` is dropped instead of forcing the fallback."""
    check_not_binary(head, path)
    encoding = bom_encoding(head)
    if encoding in ("utf-16", "utf-32"):
        return codecs.getincrementaldecoder(encoding)("replace").decode(head, final=False)
    body = head[len(codecs.BOM_UTF8) :] if encoding == "utf-8-sig" else head
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(body, final=False)
    except UnicodeDecodeError:
        return body.decode(FALLBACK_ENCODING, errors=_FALLBACK_ERRORS)


class _Prefixed(io.RawIOBase):
    """A raw stream that serves ``prefix`` and then the rest of ``rest``."""

    def __init__(self, prefix: bytes, rest: _Readable | None) -> None:
        super().__init__()
        self._prefix = memoryview(prefix)
        self._pos = 0
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        target = memoryview(buffer).cast("B")
        if self._pos < len(self._prefix):
            n = min(len(target), len(self._prefix) - self._pos)
            target[:n] = self._prefix[self._pos : self._pos + n]
            self._pos += n
            return n
        if self._rest is None:
            return 0
        data = self._rest.read(len(target))
        n = len(data)
        target[:n] = data
        return n


def _open_error(path: str, exc: OSError) -> SourceError:
    if isinstance(exc, FileNotFoundError):
        return SourceError(path, "no such file or directory")
    if isinstance(exc, IsADirectoryError):
        return SourceError(path, "is a directory")
    if isinstance(exc, PermissionError):
        return SourceError(path, "permission denied")
    return SourceError(path, exc.strerror or str(exc))


def _read_up_to(stream: _Readable, n: int) -> bytes:
    parts: list[bytes] = []
    got = 0
    while got < n:
        block = stream.read(n - got)
        if not block:
            break
        parts.append(block)
        got += len(block)
    return b"".join(parts)


class RawSource:
    """An opened input: ``head`` (the first :data:`HEAD_BYTES` decompressed bytes) and
    the rest of the stream. ``-`` is standard input (never closed here).

    Gzip is recognised by its magic bytes and decompressed transparently. Errors while
    reading (I/O, corrupt gzip) are raised as SourceError naming the path.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._file: IO[bytes] | None = None
        try:
            if path == "-":
                raw: IO[bytes] = sys.stdin.buffer
            else:
                raw = self._file = open(path, "rb")  # noqa: SIM115 - closed by close()
            magic = _read_up_to(raw, 2)
            buffered = io.BufferedReader(_Prefixed(magic, raw))
            self.gzipped = magic == _GZIP_MAGIC
            stream: _Readable = (
                gzip.GzipFile(fileobj=buffered, mode="rb") if self.gzipped else buffered
            )
            self._stream = stream
            self.head = self._guarded(lambda: _read_up_to(stream, HEAD_BYTES))
        except OSError as exc:
            self.close()
            raise _open_error(path, exc) from exc
        except SourceError:
            self.close()
            raise

    def _guarded(self, read: Callable[[], _T]) -> _T:
        try:
            return read()
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            raise SourceError(self.path, f"corrupt gzip data ({exc})") from exc
        except OSError as exc:
            raise _open_error(self.path, exc) from exc

    def read_all(self) -> bytes:
        """The whole (decompressed) content, head included."""
        return self.head + self._guarded(self._stream.read)

    def iter_text_lines(self) -> Iterator[str]:
        """The whole content decoded incrementally, line by line, line ends kept and not
        translated, so the lengths of the lines add up to offsets in the decoded text.

        Without a BOM (or with a UTF-8 one, dropped) the text must be UTF-8 and lines
        end after ``\\n``: there is no cp1252 fallback when streaming, an invalid byte
        sequence raises SourceError naming the line. A UTF-16/32 BOM decodes as in
        :func:`decode_bytes` (lines then also end after a lone ``\\r``).
        """
        encoding = bom_encoding(self.head)
        binary = io.BufferedReader(_Prefixed(self.head, self._stream), 1 << 16)
        if encoding in ("utf-16", "utf-32"):
            text = io.TextIOWrapper(binary, encoding=encoding, errors="replace", newline="")
            yield from iter(lambda: self._guarded(text.readline), "")
            return
        number = 0
        while raw := self._guarded(binary.readline):
            if number == 0 and encoding == "utf-8-sig":
                raw = raw[len(codecs.BOM_UTF8) :]
            number += 1
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise SourceError(
                    self.path, f"line {number}: not valid UTF-8 at byte {exc.start + 1} "
                    f"({exc.reason}); JSON lines must be UTF-8"
                ) from exc

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> RawSource:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def read_bytes(path: str) -> bytes:
    """All bytes of a file (gzip decompressed; ``-`` is standard input)."""
    with RawSource(path) as source:
        return source.read_all()


def read_text(path: str) -> str:
    """The decoded text of a file, by the module rules: the text every offset of a
    :class:`~leaderboard.models.Sighting` read from ``path`` refers to."""
    return decode_bytes(read_bytes(path), path)
