"""The site's public address: the one place that decides what canonical links, the sitemap,
hreflang alternates and the printed sheets' links and QR codes point to."""

from __future__ import annotations

import dataclasses
import ipaddress
from urllib.parse import urlsplit

from .messages import message
from .problems import BuildError
from .validate import Portfolio

PLACEHOLDER_DOMAINS = ("example.org", "example.com", "example.net", "example", "invalid", "test", "localhost")
"""Names reserved for examples and tests (RFC 2606, RFC 6761): never the address of a published site."""


def normalised(url: str) -> str:
    """``url`` as a base for relative paths: with its trailing slash, so that paths are appended, not glued."""
    return url if url.endswith("/") else url + "/"


def with_address(portfolio: Portfolio, url: str | None) -> Portfolio:
    """The portfolio published at ``url`` (``--base-url``), or at site.yml's address when None."""
    address = normalised(url or portfolio.settings.base_url)
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BuildError(message("build.bad_base_url", url=url))
    settings = portfolio.settings.model_copy(update={"base_url": address})
    return dataclasses.replace(portfolio, settings=settings)


def refuse_placeholder(portfolio: Portfolio) -> None:
    """A build for publication must print the real address on every sheet, never an example one."""
    address = portfolio.settings.base_url
    if is_placeholder(urlsplit(address).hostname or ""):
        raise BuildError(message("build.placeholder_address", address=address))


def is_placeholder(host: str) -> bool:
    host = host.lower().rstrip(".")
    try:
        return ipaddress.ip_address(host).is_loopback or ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return any(host == name or host.endswith("." + name) for name in PLACEHOLDER_DOMAINS)
