"""Customer identity keys for "first record wins": pure string folding, no Django.

Two customers are the same when any key matches: the normalised company name, the
unified social credit code, a phone number, an e-mail address or the website domain.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

KEY_KINDS = ("name", "credit_code", "phone", "email", "domain")

# --- company names ----------------------------------------------------------

# Legal forms as token sequences (see _tokens), longest first. 集团 is deliberately
# not a legal form: a group and its subsidiary are different customers.
_CHINESE_LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "股份公司", "公司")
_LATIN_LEGAL_FORMS = (
    *("co", "company", "ltd", "limited", "corp", "corporation"),
    *("inc", "incorporated", "llc", "gmbh", "plc"),
)
_LEGAL_FORMS = (
    *(tuple(form) for form in _CHINESE_LEGAL_FORMS),  # one token per character
    *((form,) for form in _LATIN_LEGAL_FORMS),  # one token per word
)
_BRANCH = tuple("分公司")  # a branch keeps its suffix: "…北京分公司", not "…北京分"
_TOKEN = re.compile(r"[0-9a-z]+|\S")


def _is_separator(char: str) -> bool:
    """Whitespace, punctuation, symbols and invisible characters."""
    return unicodedata.category(char)[0] in "PSZC"


def _tokens(text: str) -> list[str]:
    """ASCII words as single tokens, every other visible character on its own.

    Matching legal forms on whole tokens keeps "Costco" from losing its "co".
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    spaced = "".join(" " if _is_separator(char) else char for char in folded)
    return _TOKEN.findall(spaced)


def _ends_with(tokens: list[str], tail: tuple[str, ...]) -> bool:
    return tuple(tokens[-len(tail) :]) == tail


def normalize_company_name(name: str) -> str:
    """Comparison key: NFKC, casefold, no spaces/punctuation/symbols, legal forms dropped.

    Legal forms are dropped from the end repeatedly ("Co., Ltd.", 股份有限公司), but
    never the whole name. Brackets of any width are punctuation, so "X(有限公司)" is
    "X有限公司". Group (集团), region ("(北京)") and branch (分公司) words are kept.
    """
    tokens = _tokens(name)
    while not _ends_with(tokens, _BRANCH):
        form = next((f for f in _LEGAL_FORMS if _ends_with(tokens, f)), None)
        if form is None or len(form) == len(tokens):  # never drop the whole name
            break
        del tokens[-len(form) :]
    return "".join(tokens)


# --- unified social credit code (GB 32100-2015) ---------------------------------

CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, Z, S, V
_CREDIT_CODE_WEIGHTS = tuple(3**i % 31 for i in range(17))  # 1, 3, 9, 27, 19, 26, ...


def normalize_credit_code(code: str) -> str:
    """NFKC, without whitespace or dashes, upper-case."""
    folded = unicodedata.normalize("NFKC", code)
    kept = (char for char in folded if not char.isspace() and unicodedata.category(char) != "Pd")
    return "".join(kept).upper()


def credit_code_check_char(first17: str) -> str:
    """The 18th (check) character for the first 17 characters of a credit code."""
    if len(first17) != 17 or any(char not in CREDIT_CODE_CHARS for char in first17):
        raise ValueError(f"not 17 credit-code characters: {first17!r}")
    total = sum(
        weight * CREDIT_CODE_CHARS.index(char)
        for weight, char in zip(_CREDIT_CODE_WEIGHTS, first17, strict=True)
    )
    return CREDIT_CODE_CHARS[-total % 31]  # 31 - (total % 31), with 31 meaning 0


def is_valid_credit_code(code: str) -> bool:
    """18 allowed characters with a correct check character, after normalisation."""
    code = normalize_credit_code(code)
    return (
        len(code) == 18
        and all(char in CREDIT_CODE_CHARS for char in code)
        and credit_code_check_char(code[:17]) == code[17]
    )


# --- phones -----------------------------------------------------------------

_MOBILE = re.compile(r"1[3-9]\d{9}", re.ASCII)
_SERVICE = re.compile(r"[48]00\d{7}", re.ASCII)  # 400/800 hotlines have no area code
# Trunk 0, area code (10, 2x or 3xx-9xx), then a 7-8 digit local number.
_LANDLINE = re.compile(r"0(?:10|2\d|[3-9]\d\d)\d{7,8}", re.ASCII)
_EXTENSION = re.compile(r"(?:转|分机|ext(?:ension)?\.?|x|#)\s*\d+\D*$", re.IGNORECASE)
_MIN_DIGITS, _MAX_DIGITS = 7, 15  # fewer identifies no one; more than E.164 allows


def _chinese_national(digits: str) -> str | None:
    """The national number (landline trunk 0 restored) for the digits after 86, else None."""
    if any(pattern.fullmatch(digits) for pattern in (_MOBILE, _SERVICE, _LANDLINE)):
        return digits
    if _LANDLINE.fullmatch("0" + digits):
        return "0" + digits
    return None


def normalize_phone(raw: str) -> str | None:
    """Digits for matching: Chinese numbers in national form, others as "+<digits>".

    Extensions and labels ("Tel:", "手机") are ignored. None when fewer than 7 or
    more than 15 digits remain.
    """
    text = _EXTENSION.sub("", unicodedata.normalize("NFKC", raw))
    digits = re.sub(r"[^0-9]", "", text)
    if re.match(r"[^0-9]*\+", text):  # "+" before the first digit
        international = digits
    elif digits.startswith("00"):
        international = digits[2:]
    else:
        international = None

    if international is None:
        national = _chinese_national(digits[2:]) if digits.startswith("86") else None
        number = national or digits
    elif international.startswith("86") and (national := _chinese_national(international[2:])):
        number = national
    else:
        number = "+" + international
    count = len(number.lstrip("+"))
    return number if _MIN_DIGITS <= count <= _MAX_DIGITS else None


# --- e-mail and web ---------------------------------------------------------

_EMAIL = re.compile(r"[^@\s]+@(?:[^@\s.]+\.)+[^@\s.]+")
# Dot-separated labels of letters, digits and inner hyphens; an alphabetic or punycode TLD.
_HOST = re.compile(r"(?:[^\W_](?:(?:[^\W_]|-)*[^\W_])?\.)+(?:[^\W\d_]{2,}|xn--[a-z0-9-]+)")
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*://")

# Free mail and platform domains that unrelated companies share. Their subdomains
# ("shop123.taobao.com") are shared too: shops on a platform are different companies.
SHARED_DOMAINS = frozenset(
    {
        "qq.com",
        "163.com",
        "126.com",
        "139.com",
        "sina.com",
        "sina.cn",
        "sina.com.cn",
        "sohu.com",
        "aliyun.com",
        "foxmail.com",
        "yeah.net",
        "gmail.com",
        "hotmail.com",
        "outlook.com",
        "yahoo.com",
        "taobao.com",
        "tmall.com",
        "jd.com",
        "1688.com",
        "weibo.com",
        "weixin.qq.com",
        "mp.weixin.qq.com",
        "douyin.com",
        "xiaohongshu.com",
    }
)


def normalize_email(raw: str) -> str | None:
    """NFKC, trimmed, lower-case; None unless it looks like local@domain.tld."""
    email = unicodedata.normalize("NFKC", raw).strip().lower()
    return email if _EMAIL.fullmatch(email) else None


def _is_shared(host: str) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in SHARED_DOMAINS)


def website_domain(raw: str) -> str | None:
    """Lower-case host without scheme, credentials, port, path or a leading "www.".

    None for input that is not a host name (IP addresses included) and for shared
    free-mail and platform domains and their subdomains.
    """
    url = unicodedata.normalize("NFKC", raw).strip().lower()
    if not _SCHEME.match(url):
        url = "//" + url
    try:
        host = (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:  # e.g. an unbalanced "["
        return None
    if host.startswith("www.") and "." in host[4:]:
        host = host[4:]
    if not _HOST.fullmatch(host) or _is_shared(host):
        return None
    return host


# --- all keys ---------------------------------------------------------------


def identity_keys(
    *,
    name: str,
    credit_code: str | None = None,
    phones: Iterable[str] = (),
    emails: Iterable[str] = (),
    website: str | None = None,
) -> set[tuple[str, str]]:
    """The (kind, value) keys of one customer; empty and invalid parts are skipped."""
    keys: set[tuple[str, str]] = set()
    if name_key := normalize_company_name(name):
        keys.add(("name", name_key))
    if credit_code and is_valid_credit_code(credit_code):
        keys.add(("credit_code", normalize_credit_code(credit_code)))
    keys.update(("phone", phone) for phone in map(normalize_phone, phones) if phone)
    keys.update(("email", email) for email in map(normalize_email, emails) if email)
    if website and (domain := website_domain(website)):
        keys.add(("domain", domain))
    return keys
