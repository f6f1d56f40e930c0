import pytest

from salescrm.templatetags.salescrm import mailto_href, phone_href


@pytest.mark.parametrize(
    ("number", "href"),
    [
        ("138 0013 8000", "13800138000"),
        ("+86 (21) 6123-4567", "+862161234567"),
        ("021-6123 4567 ext. 8", "021612345678"),
        ("", ""),
        (None, ""),
    ],
)
def test_a_phone_number_becomes_a_tel_href(number, href):
    assert phone_href(number) == href


@pytest.mark.parametrize(
    ("address", "href"),
    [
        (" wang.fang@example.cn ", "wang.fang@example.cn"),
        ("li+ads@example.com", "li+ads@example.com"),
        ('x"onmouseover=y@example.com', "x%22onmouseover%3Dy@example.com"),
        ("", ""),
        (None, ""),
    ],
)
def test_an_email_address_becomes_a_mailto_href(address, href):
    assert mailto_href(address) == href
