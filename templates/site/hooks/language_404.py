"""MkDocs hook: one 404 page per language.

mkdocs-static-i18n builds each language into the same site folder, and the
last build's 404.html overwrites the others. This keeps the default
language's page at the root and puts each other language's at <lang>/404.html.
Beside table_captions.py and page_styles.py it is the project's only MkDocs hook: the rest of the build is
plain files.
"""

from pathlib import Path

from mkdocs.plugins import event_priority

_default_page: dict[str, bytes] = {}


@event_priority(0)  # before the i18n plugin's own post_build (-100) starts the next language
def on_post_build(config):
    i18n = config.plugins["i18n"]
    page = Path(config.site_dir, "404.html")
    if not page.exists():
        return
    if i18n.current_language == i18n.default_language:
        _default_page["page"] = page.read_bytes()
        return
    target = Path(config.site_dir, i18n.current_language, "404.html")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(page.read_bytes())
    if "page" in _default_page:
        page.write_bytes(_default_page["page"])
