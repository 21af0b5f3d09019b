"""Chroma clients: embedded under the workspace by default, or a `chroma run` server by URL.

Telemetry is always off. An embedded (`PersistentClient`) library lives at `<workspace>/memory`
and must be opened by one process at a time; several machines or processes share one library
through a server (`chroma run --path DIR`) and `--chroma-url http://host:port`.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import chromadb
from chromadb.api import ClientAPI
from chromadb.config import Settings

from memory.errors import ChromaUnavailableError

MEMORY_DIRNAME = "memory"


def chroma_settings() -> Settings:
    return Settings(anonymized_telemetry=False)


def persistent_client(workspace: Path) -> ClientAPI:
    """The embedded client whose files live at `<workspace>/memory`."""
    path = Path(workspace) / MEMORY_DIRNAME
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings())


def ephemeral_client() -> ClientAPI:
    """An in-memory client (tests). Instances in one process share data: use distinct collections."""
    return chromadb.EphemeralClient(settings=chroma_settings())


def parse_chroma_url(url: str) -> tuple[str, int, bool]:
    """`http://host:port` -> (host, port, ssl). The port defaults to 8000 (443 for https)."""
    parsed = urlparse(url if "://" in url else f"http://{url}")
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ChromaUnavailableError(url, ValueError("expected a URL like http://127.0.0.1:8000"))
    ssl = parsed.scheme == "https"
    port = parsed.port or (443 if ssl else 8000)
    return parsed.hostname, port, ssl


def http_client(url: str) -> ClientAPI:
    """A client of the Chroma server at `url`; raises ChromaUnavailableError if none answers."""
    host, port, ssl = parse_chroma_url(url)
    try:
        client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=chroma_settings())
        client.heartbeat()
    except Exception as exc:  # chromadb raises ValueError, httpx errors, ... for a dead server
        raise ChromaUnavailableError(url, exc) from exc
    return client


def connect(workspace: Path, chroma_url: str | None = None) -> ClientAPI:
    """The server client when a URL is given, else the embedded one under the workspace."""
    return http_client(chroma_url) if chroma_url else persistent_client(workspace)
