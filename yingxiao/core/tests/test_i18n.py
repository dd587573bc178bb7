"""Chinese first, English complete (rule 5): pages speak Chinese unless the user switches."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from yingxiao.catalog.services import PRODUCT_IMPORT_COLUMNS
from yingxiao.partners.services import DISTRIBUTOR_IMPORT_COLUMNS

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_import_headers_have_chinese_labels():
    """The import templates are filled in by Chinese staff; their headers must be Chinese.
    (Needs the compiled catalogue: `manage.py compile_translations`, which `make test` runs.)"""
    with translation.override("zh-hans"):
        labels = [str(c.label) for c in [*PRODUCT_IMPORT_COLUMNS, *DISTRIBUTOR_IMPORT_COLUMNS]]
    untranslated = [label for label in labels if not CJK.search(label)]
    assert untranslated == []


@pytest.mark.django_db
def test_pages_are_chinese_by_default_and_english_after_the_switch(client_as):
    client = client_as("director")
    url = reverse("partners:distributor_list")
    with translation.override("zh-hans"):
        chinese_title = str(translation.gettext("Distributors"))
    assert CJK.search(chinese_title)
    zh = client.get(url, HTTP_ACCEPT_LANGUAGE="en")  # the browser's language does not decide
    assert chinese_title in zh.content.decode()

    switched = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert switched.status_code == 302
    en = client.get(url)
    assert "Distributors" in en.content.decode()
    assert en["Content-Language"] == "en"


def test_the_chinese_catalogue_is_complete_and_has_no_fuzzy_entries():
    import polib
    from django.conf import settings

    po = polib.pofile(str(settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    assert len(po) > 400
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
