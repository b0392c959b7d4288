"""Cached template fragments are versioned by the templates that draw them."""

from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.template import engines

from wareview.lib.cache import templates_digest


def test_a_changed_or_added_template_changes_the_digest(tmp_path: Path):
    (tmp_path / "charts").mkdir()
    (tmp_path / "charts" / "heatmap.html").write_text("<svg>old</svg>")
    before = templates_digest(tmp_path)
    assert templates_digest(tmp_path) == before
    (tmp_path / "charts" / "heatmap.html").write_text("<svg>new</svg>")
    changed = templates_digest(tmp_path)
    (tmp_path / "charts" / "legend.html").write_text("")
    assert len({before, changed, templates_digest(tmp_path)}) == 3


def test_the_cache_tag_keeps_its_fragments_under_the_templates_digest():
    fragments = caches["template_fragments"]
    assert fragments.version == templates_digest(Path(settings.BASE_DIR) / "templates")
    template = engines["django"].from_string("{% load cache %}{% cache 60 fragment-version-test %}drawn{% endcache %}")
    assert template.render({}) == "drawn"
    assert fragments.get(make_template_fragment_key("fragment-version-test")) == "drawn"
