"""Search by code, name and pinyin (full or initials), spaces ignored in the query."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yingxiao.core.search import build_search_text, normalize_query, pinyin_keys, search
from yingxiao.core.testing import NORTH_HENGXIN
from yingxiao.partners.models import Distributor

NAME = NORTH_HENGXIN  # 北京恒信科贸有限公司


def test_pinyin_keys_give_full_pinyin_and_initials():
    assert pinyin_keys("北京恒信") == "beijinghengxin bjhx"
    assert pinyin_keys("") == ""


def test_polyphonic_city_names_use_the_phrase_reading():
    assert "chongqing" in pinyin_keys("重庆山城电器")
    assert "changsha" in pinyin_keys("长沙")


@pytest.mark.parametrize("q", ["", "  ", None])
def test_an_empty_query_keeps_everything(q):
    assert normalize_query(q) == ""


def test_the_query_is_lowercased_and_spaces_dropped():
    assert normalize_query("  Bei Jing\tHENG xin ") == "beijinghengxin"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "q",
    [
        "bjhx",
        "beijinghengxin",
        "bei jing",
        "Bei Jing Heng Xin",
        "BJHX",
        "北京恒信",
        "恒信科贸",
        "n01",
        "zhaoguoqing",
    ],
)
def test_the_demo_distributor_is_found(q):
    assert NAME in {d.name for d in search(Distributor.objects.all(), q)}


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["bjhxx", "shanghaihengxinkemao", "beijingh engxinx"])
def test_near_misses_are_not_found(q):
    assert NAME not in {d.name for d in search(Distributor.objects.all(), q)}


@pytest.mark.django_db
def test_the_exact_name_of_a_product_with_a_space_finds_it():
    """Users paste names as written; '清风空气净化器 KJ500' must find that product."""
    from yingxiao.catalog.models import Product

    product = Product.objects.get(code="A-200")
    assert product.name == "清风空气净化器 KJ500"
    assert product in search(Product.objects.all(), "KJ500")
    assert product in search(Product.objects.all(), "清风空气净化器")
    assert product in search(Product.objects.all(), product.name)


cjk = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(name=cjk, data=st.data())
def test_any_chinese_name_is_found_by_pinyin_however_the_query_is_spaced(name, data):
    text = build_search_text(name)
    full, initials = pinyin_keys(name).split(" ")
    for key in (full, initials, name):
        cuts = sorted(data.draw(st.sets(st.integers(1, max(1, len(key) - 1)), max_size=3)))
        spaced = "".join(" " + ch if i in cuts else ch for i, ch in enumerate(key))
        assert normalize_query(spaced.upper()) in text
