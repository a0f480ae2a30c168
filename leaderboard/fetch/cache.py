"""The fetch cache: every raw response kept, with what it was, when and from where.

Layout under the cache root (:func:`default_cache_dir`)::

    hf-daily/2024-01-22/manifest.json
    hf-daily/2024-01-22/p0-3f2a9c81d0e4.json          one file per page of the response
    arxiv/cat-cs.CL-submitteddate-...-1a2b3c4d5e6f/manifest.json
    arxiv/cat-cs.CL-submitteddate-...-1a2b3c4d5e6f/start-000000-9e8d7c6b5a41.atom.xml
    state/<host>.json                                 time of the last request (rate limit)

A *group* is one unit of fetching: a day of daily papers, or one arXiv query. Its
``manifest.json`` records the request and, per page, the file, the full URL, the
parameters, ``fetched_at`` (UTC), the HTTP status, the byte size, the sha256 and the
number of items, plus whether paging reached the end (``complete``). Pages replaced by
a later fetch of the same group move to ``superseded`` and their files stay.

Why page files are named by their hash and never overwritten: the store records each
ingested file by path and sha256, and audits and manifests re-read it later. A file
that changed under a stored sighting would break that provenance; a new name does not.

Every file is written to a hidden temporary name in the same folder and renamed into
place, and the manifest is written after the page it lists, so an interrupted fetch
leaves either the old state or the new, never half a file; stray temporary files are
removed the next time the group is written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

#: Environment variable naming the cache root.
CACHE_ENV = "LEADERBOARD_CACHE"
MANIFEST = "manifest.json"
#: Version of the manifest layout, written into each manifest.
MANIFEST_VERSION = 1
_TMP_PREFIX = ".tmp-"
_STALE_TMP_SECONDS = 3600
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class CacheError(Exception):
    """A cache file that cannot be used: ``str(err)`` is ``"PATH: reason"``."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(str(path), reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def default_cache_dir() -> Path:
    """``$LEADERBOARD_CACHE``, else ``$XDG_CACHE_HOME/leaderboard``, else
    ``~/.cache/leaderboard`` (the XDG default), made absolute so stored source paths
    stay valid from any working directory."""
    env = os.environ.get(CACHE_ENV, "").strip()
    if env:
        return Path(env).expanduser().absolute()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg).expanduser() if xdg and Path(xdg).is_absolute() else (
        Path.home() / ".cache")
    return (base / "leaderboard").absolute()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename (same folder,
    so the rename is atomic): readers see the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=_TMP_PREFIX, suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def safe_name(text: str, limit: int = 60) -> str:
    """A readable file-name fragment of ``text`` (letters, digits, ``._-``)."""
    name = _UNSAFE.sub("-", text).strip("-.")
    return name[:limit].rstrip("-.") or "query"


@dataclass
class Page:
    """One cached response: its file (in the group folder) and where it came from."""

    file: str
    url: str
    params: dict[str, str]
    fetched_at: str
    status: int
    sha256: str
    size: int
    items: int
    info: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Page:
        return cls(file=str(raw["file"]), url=str(raw["url"]),
                   params={str(k): str(v) for k, v in dict(raw.get("params") or {}).items()},
                   fetched_at=str(raw["fetched_at"]), status=int(raw["status"]),
                   sha256=str(raw["sha256"]), size=int(raw["size"]), items=int(raw["items"]),
                   info=dict(raw.get("info") or {}))


@dataclass
class Manifest:
    """What a group holds (see the module docstring)."""

    source: str
    key: str
    request: dict[str, Any]
    pages: list[Page] = field(default_factory=list)
    complete: bool = False
    updated_at: str = ""
    info: dict[str, Any] = field(default_factory=dict)
    superseded: list[Page] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["version"] = MANIFEST_VERSION
        return out

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Manifest:
        return cls(source=str(raw["source"]), key=str(raw["key"]),
                   request=dict(raw.get("request") or {}),
                   pages=[Page.from_json(p) for p in raw.get("pages") or []],
                   complete=bool(raw.get("complete")), updated_at=str(raw.get("updated_at", "")),
                   info=dict(raw.get("info") or {}),
                   superseded=[Page.from_json(p) for p in raw.get("superseded") or []])


class Group:
    """One fetch unit's folder: its manifest and page files."""

    def __init__(self, folder: Path, source: str, key: str) -> None:
        self.dir = folder
        self.source = source
        self.key = key

    @property
    def manifest_path(self) -> Path:
        return self.dir / MANIFEST

    def load(self) -> Manifest | None:
        """The manifest, or None when the group was never fetched. Raises CacheError
        for a manifest that cannot be read (the caller decides: re-fetch or fail)."""
        path = self.manifest_path
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise CacheError(path, f"unreadable manifest ({exc})") from exc
        try:
            if int(raw.get("version", 0)) > MANIFEST_VERSION:
                raise CacheError(path, f"manifest version {raw.get('version')} is newer than "
                                 "this leaderboard understands (upgrade it)")
            return Manifest.from_json(raw)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise CacheError(path, f"malformed manifest ({exc!r})") from exc

    def save(self, manifest: Manifest) -> None:
        """Write the manifest atomically. A superseded page whose bytes came back (same
        file) is current again, so it is listed once, as current."""
        current = {p.file for p in manifest.pages}
        kept: dict[str, Page] = {}
        for page in manifest.superseded:
            if page.file not in current:
                kept.setdefault(page.file, page)
        manifest.superseded = list(kept.values())
        manifest.updated_at = utc_stamp()
        text = json.dumps(manifest.to_json(), indent=2, sort_keys=True, ensure_ascii=False)
        atomic_write(self.manifest_path, (text + "\n").encode("utf-8"))
        self._remove_stale_tmp()

    def write_page(self, stem: str, suffix: str, body: bytes) -> tuple[str, str]:
        """Store a page body as ``<stem>-<sha256[:12]><suffix>``; its name and sha256.
        The same bytes again land on the same (existing) file."""
        sha = sha256_hex(body)
        name = f"{stem}-{sha[:12]}{suffix}"
        path = self.dir / name
        if not (path.exists() and path.stat().st_size == len(body) and file_sha256(path) == sha):
            atomic_write(path, body)
        return name, sha

    def path(self, page: Page) -> Path:
        return self.dir / page.file

    def verify(self, page: Page) -> str | None:
        """None when the page's file is present with its recorded sha256, else why not."""
        path = self.path(page)
        try:
            actual = file_sha256(path)
        except FileNotFoundError:
            return f"{path}: missing from the cache"
        except OSError as exc:
            return f"{path}: {exc.strerror or exc}"
        if actual != page.sha256:
            return f"{path}: sha256 {actual[:12]}... does not match the manifest's " \
                   f"{page.sha256[:12]}... (changed since it was fetched)"
        return None

    def _remove_stale_tmp(self) -> None:
        now = time.time()
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.dir):
                if entry.name.startswith(_TMP_PREFIX):
                    with contextlib.suppress(OSError):
                        if now - entry.stat().st_mtime > _STALE_TMP_SECONDS:
                            os.unlink(entry.path)


class Cache:
    """The cache root: groups by source and key, and the rate limiter's state files."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = (root if root is not None else default_cache_dir()).absolute()

    def group(self, source: str, key: str, folder: str | None = None) -> Group:
        """The group ``source``/``folder`` (``folder`` defaults to a safe form of ``key``)."""
        return Group(self.root / source / (folder or safe_name(key)), source, key)

    def state_file(self, name: str) -> Path:
        return self.root / "state" / f"{safe_name(name)}.json"


def utc_stamp() -> str:
    """Now, UTC, to the second: ``2024-01-22T06:00:00Z``."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
