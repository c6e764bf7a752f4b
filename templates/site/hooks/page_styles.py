"""MkDocs hook: each page carries the CSS it uses, inline in its head, and links no stylesheet
(factsheets/page_styles.py says how)."""

from pathlib import Path
from urllib.parse import urlsplit

from factsheets.page_styles import inline_styles


def on_post_page(output, page, config):
    return inline_styles(output, Path(config.site_dir), page_url=page.url)


def on_post_template(output_content, template_name, config):
    """The 404 page, served at any address, links the site's files from the root's path."""
    if template_name != "404.html":
        return output_content
    return inline_styles(output_content, Path(config.site_dir), page_url=None, root=urlsplit(config.site_url).path)
