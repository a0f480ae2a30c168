"""leaderboard: numbers claimed in ML paper abstracts as a typed, auditable table.

The library is in stages, each with a small public surface: ``sources`` (readers),
``extract`` (claims), ``registry`` (benchmarks and model sizes), ``units`` (pint),
``store`` (DuckDB), ``leaderboards`` and ``export``; ``cli`` is a thin shell over them.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("leaderboard")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = ["__version__"]
