"""Ingest: turn files, directories, globs, feeds and URLs into Reports.

>>> from conflictwire.ingest import iter_inputs, read_paths
>>> for item in iter_inputs(["reports/", "https://example.org/feed.xml"], published=None):
...     ...  # a Report, or an InputError naming the path, path:line or URL and the reason

``read_paths`` is the strict variant (raises the first InputError); ``fetch.fetch`` is the safe HTTP client;
``watch.FeedWatcher`` polls feeds for ``conflictwire watch``.
"""

from .readers import iter_inputs, read_paths

__all__ = ["iter_inputs", "read_paths"]
