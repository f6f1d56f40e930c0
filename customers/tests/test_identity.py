"""Table-driven tests for the pure customer identity keys (no database, no settings)."""

import random

import pytest

from customers.identity import (
    CREDIT_CODE_CHARS,
    KEY_KINDS,
    SHARED_DOMAINS,
    credit_code_check_char,
    identity_keys,
    is_valid_credit_code,
    normalize_company_name,
    normalize_credit_code,
    normalize_email,
    normalize_phone,
    website_domain,
)

# --- company names ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        # Chinese legal forms
        ("上海远航贸易有限公司", "上海远航贸易"),
        ("上海远航贸易股份有限公司", "上海远航贸易"),
        ("上海远航贸易有限责任公司", "上海远航贸易"),
        ("上海远航贸易股份公司", "上海远航贸易"),
        ("上海远航贸易公司", "上海远航贸易"),
        ("上海远航贸易", "上海远航贸易"),
        # brackets are punctuation, so a bracketed legal form folds too
        ("上海远航贸易（有限公司）", "上海远航贸易"),
        ("上海远航贸易(有限公司)", "上海远航贸易"),
        # spaces anywhere, even inside the legal form
        (" 上海 远航贸易  有限 公司 ", "上海远航贸易"),
        ("上海远航贸易有限公司有限公司", "上海远航贸易"),
        # 集团 stays, only the legal form after it goes
        ("阿里巴巴集团有限公司", "阿里巴巴集团"),
        ("阿里巴巴集团股份有限公司", "阿里巴巴集团"),
        ("阿里巴巴集团", "阿里巴巴集团"),
        # English legal forms, repeatedly, on whole words
        ("Acme Co., Ltd.", "acme"),
        ("ACME co ltd", "acme"),
        ("Acme Co.,Ltd", "acme"),
        ("Ａｃｍｅ Company Limited", "acme"),
        ("acme", "acme"),
        ("Acme Limited", "acme"),
        ("Acme Ltd", "acme"),
        ("Acme Company", "acme"),
        ("Acme Corp.", "acme"),
        ("Acme Corporation", "acme"),
        ("Acme, Inc.", "acme"),
        ("Acme Incorporated", "acme"),
        ("Acme LLC", "acme"),
        ("Acme GmbH", "acme"),
        ("Acme PLC", "acme"),
        ("Acme & Co.", "acme"),
        ("Huawei Technologies Co., Ltd.", "huaweitechnologies"),
        ("HUAWEI TECHNOLOGIES", "huaweitechnologies"),
        ("3M Company", "3m"),
        ("华为Co., Ltd.", "华为"),
        # casefold, NFKC, punctuation and symbols
        ("ＡＢＣ", "abc"),
        ("Straße GmbH", "strasse"),
        ("A.B.C. Trading", "abctrading"),
        ("《远航》贸易【上海】", "远航贸易上海"),
        ("远航·贸易－上海—有限公司", "远航贸易上海"),
        ("“远航”‘贸易’，。、", "远航贸易"),
        ("Ac\u200bme\tCo.", "acme"),  # zero-width space and tab
        ("A+B=C® Ltd", "abc"),
        ("O'Brien_Sons/Partners", "obriensonspartners"),
    ],
)
def test_company_names_fold_to_the_same_key(name, key):
    assert normalize_company_name(name) == key


@pytest.mark.parametrize(
    ("name", "other"),
    [
        ("Acme Group", "Acme"),
        ("阿里巴巴集团", "阿里巴巴"),
        ("阿里巴巴集团有限公司", "阿里巴巴有限公司"),
        # legal forms are whole words: no "co" is cut from inside a word
        ("Costco", "Cost"),
        ("Tesco", "Tes"),
        ("Zinc", "Z"),
        ("Unlimited", "Un"),
        # region markers and branches are kept
        ("西门子（中国）有限公司", "西门子有限公司"),
        ("远航贸易北京分公司", "远航贸易北京"),
        ("远航贸易有限公司北京分公司", "远航贸易有限公司"),
    ],
)
def test_different_companies_keep_different_keys(name, other):
    assert normalize_company_name(name) != normalize_company_name(other)


def test_a_branch_keeps_its_branch_suffix():
    assert normalize_company_name("远航贸易有限公司北京分公司") == "远航贸易有限公司北京分公司"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("有限公司", "有限公司"),
        ("股份有限公司", "股份有限公司"),
        ("公司", "公司"),
        ("Limited", "limited"),
        ("Co., Ltd.", "co"),
        ("Company Limited", "company"),
    ],
)
def test_stripping_legal_forms_never_empties_a_name(name, key):
    assert normalize_company_name(name) == key


@pytest.mark.parametrize("name", ["", " ", "\u3000\t\n", "，。、（）【】《》", "...---///", "&&@#"])
def test_a_name_of_only_whitespace_and_punctuation_has_an_empty_key(name):
    assert normalize_company_name(name) == ""


# --- unified social credit code ----------------------------------------------

PUBLISHED_CODES = ["91350100M000100Y43", "914403001922038216", "91330100716105852F"]
GENERATED_CODES = [
    first17 + credit_code_check_char(first17)
    for first17 in (
        "".join(random.Random(seed).choices(CREDIT_CODE_CHARS, k=17)) for seed in range(30)
    )
]
VALID_CODES = PUBLISHED_CODES + GENERATED_CODES


def reference_check_char(first17: str) -> str:
    """The GB 32100-2015 rule written out literally, as a cross-check."""
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = sum(w * CREDIT_CODE_CHARS.index(c) for w, c in zip(weights, first17, strict=True))
    check = 31 - total % 31
    return CREDIT_CODE_CHARS[0 if check == 31 else check]


def test_the_charset_has_31_characters_without_i_o_z_s_v():
    assert len(CREDIT_CODE_CHARS) == 31
    assert not set("IOZSV") & set(CREDIT_CODE_CHARS)


@pytest.mark.parametrize("code", PUBLISHED_CODES)
def test_published_codes_are_valid(code):
    assert is_valid_credit_code(code)
    assert credit_code_check_char(code[:17]) == code[17]


@pytest.mark.parametrize("seed", range(200))
def test_the_check_char_matches_the_literal_rule(seed):
    first17 = "".join(random.Random(seed).choices(CREDIT_CODE_CHARS, k=17))
    assert credit_code_check_char(first17) == reference_check_char(first17)


def test_a_sum_divisible_by_31_gives_check_char_0():
    assert credit_code_check_char("0" * 17) == "0"
    assert is_valid_credit_code("0" * 18)


@pytest.mark.parametrize("code", GENERATED_CODES)
def test_generated_codes_are_valid(code):
    assert is_valid_credit_code(code)


@pytest.mark.parametrize("code", VALID_CODES)
@pytest.mark.parametrize("position", range(18))
def test_changing_any_single_character_makes_a_valid_code_invalid(code, position):
    for char in CREDIT_CODE_CHARS + "IOZSV":
        if char != code[position]:
            changed = code[:position] + char + code[position + 1 :]
            assert not is_valid_credit_code(changed), changed


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("91350100M000100Y43", "91350100M000100Y43"),
        (" 91350100m000100y43 ", "91350100M000100Y43"),
        ("9135-0100-M000-100Y43", "91350100M000100Y43"),
        ("9135 0100 M000 100Y 43", "91350100M000100Y43"),
        ("９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43"),
        ("９１３５０１００ｍ０００１００ｙ４３", "91350100M000100Y43"),
        ("9135－0100—M000100Y43", "91350100M000100Y43"),  # full-width hyphen, em dash
        ("", ""),
    ],
)
def test_credit_codes_normalise_to_18_upper_case_characters(raw, code):
    assert normalize_credit_code(raw) == code


@pytest.mark.parametrize(
    "raw",
    [
        "91350100m000100y43",
        "９１３５０１００Ｍ０００１００Ｙ４３",
        "9135-0100-M000-100Y43",
        " 91350100M000100Y43\n",
    ],
)
def test_a_valid_code_is_valid_in_any_spelling(raw):
    assert is_valid_credit_code(raw)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "91350100M000100Y4",  # 17
        "91350100M000100Y433",  # 19
        "91350100M000100Y43X",
        "91350100M000100Y",
        "91350100M000100Y4?",
        "9135.0100M000100Y43",  # dots are not stripped
    ],
)
def test_codes_of_the_wrong_length_or_with_stray_characters_are_invalid(code):
    assert not is_valid_credit_code(code)


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_letters_outside_the_charset_are_rejected(letter):
    first17 = "91350100M000100Y4"[:10] + letter + "91350100M000100Y4"[11:]
    assert not is_valid_credit_code(first17 + "0")
    assert not any(is_valid_credit_code(first17 + c) for c in CREDIT_CODE_CHARS)
    with pytest.raises(ValueError, match="17 credit-code characters"):
        credit_code_check_char(first17)


@pytest.mark.parametrize("first17", ["", "9135", "91350100M000100Y43", "91350100m000100y4"])
def test_the_check_char_needs_17_charset_characters(first17):
    with pytest.raises(ValueError, match="17 credit-code characters"):
        credit_code_check_char(first17)


# --- phones -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        # mobiles
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("86 138 0013 8000", "13800138000"),
        ("(+86) 138.0013.8000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),  # full-width digits
        ("＋８６　１３８－００１３－８０００", "13800138000"),
        ("手机：13800138000", "13800138000"),
        ("Tel: +86 199 0000 1111", "19900001111"),
        # landlines keep their area code
        ("(021) 6888-1234", "02168881234"),
        ("021-68881234", "02168881234"),
        ("021 6888 1234", "02168881234"),
        ("021/68881234", "02168881234"),
        ("（０２１）６８８８－１２３４", "02168881234"),
        ("+86 21 6888 1234", "02168881234"),  # trunk 0 restored
        ("+86 (0)21 6888 1234", "02168881234"),
        ("0086-21-68881234", "02168881234"),
        ("86 21 6888 1234", "02168881234"),
        ("010-6552 8888", "01065528888"),
        ("+86 10 6552 8888", "01065528888"),
        ("0755-8612 3456", "075586123456"),
        ("+86 755 8612 3456", "075586123456"),
        ("0571-8888888", "05718888888"),  # 7-digit local number
        ("Fax: 021 6888 1234", "02168881234"),
        # extensions are dropped
        ("021-68881234转123", "02168881234"),
        ("021-68881234 转 123", "02168881234"),
        ("021-68881234分机8001", "02168881234"),
        ("021-68881234 ext 12", "02168881234"),
        ("021-68881234 Ext. 12", "02168881234"),
        ("021-68881234 extension 12", "02168881234"),
        ("021-68881234 x12", "02168881234"),
        ("021-68881234 X 12", "02168881234"),
        ("021-68881234#12", "02168881234"),
        ("021-68881234（转123）", "02168881234"),
        ("+86 21 6888 1234 ext. 5", "02168881234"),
        # hotlines without area code
        ("400-820-8820", "4008208820"),
        ("+86 400 820 8820", "4008208820"),
        ("800 820 8820", "8008208820"),
        # other countries keep their country code
        ("+1 (415) 555-0100", "+14155550100"),
        ("001 415 555 0100", "+14155550100"),
        ("+44 20 7946 0958", "+442079460958"),
        ("+852 2123 4567", "+85221234567"),
        ("+86 123 4567", "+861234567"),  # not a Chinese number after +86
        # local numbers without an area code are kept as they are
        ("6888 1234", "68881234"),
        ("6888123", "6888123"),
    ],
)
def test_phone_numbers_fold_to_digits(raw, phone):
    assert normalize_phone(raw) == phone


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "---",
        "no phone",
        "123456",  # 6 digits
        "95588",
        "+86 1234",  # 6 digits, country code included
        "+1 555",
        "转123",
        "13800138000/13900139000",  # two numbers run together: 22 digits
        "+86 1380013800013800138000",
    ],
)
def test_phone_numbers_too_short_or_too_long_give_none(raw):
    assert normalize_phone(raw) is None


@pytest.mark.parametrize(
    "spellings",
    [
        ["(021) 6888-1234", "021-68881234", "+86 21 6888 1234", "0086 21 68881234转8"],
        ["+86 138-0013-8000", "0086 13800138000", "138 0013 8000", "８６１３８００１３８０００"],
    ],
)
def test_spellings_of_one_number_match(spellings):
    assert len({normalize_phone(raw) for raw in spellings}) == 1


# --- e-mail -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "email"),
    [
        ("zhang.san@example.com", "zhang.san@example.com"),
        ("  Zhang.San@Example.COM \n", "zhang.san@example.com"),
        ("ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ", "zhang@example.com"),  # full-width
        ("sales+crm@mail.example.com.cn", "sales+crm@mail.example.com.cn"),
        ("a@b.co", "a@b.co"),
        ("张三@例子.中国", "张三@例子.中国"),
    ],
)
def test_emails_are_trimmed_and_lower_cased(raw, email):
    assert normalize_email(raw) == email


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "zhang",
        "zhang@",
        "@example.com",
        "zhang@example",
        "zhang@@example.com",
        "zhang@ex@ample.com",
        "zhang@example.",
        "zhang@.com",
        "zhang@example..com",
        "zhang san@example.com",
        "zhang@exa mple.com",
    ],
)
def test_text_that_is_not_an_email_gives_none(raw):
    assert normalize_email(raw) is None


# --- website domains --------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "domain"),
    [
        ("https://www.Example.com.cn/about", "example.com.cn"),
        ("www.example.com.cn", "example.com.cn"),
        ("example.com.cn/", "example.com.cn"),
        ("http://shop.example.com", "shop.example.com"),  # only www. is dropped
        ("HTTPS://WWW.EXAMPLE.COM", "example.com"),
        ("  example.com  ", "example.com"),
        ("example.com:8080/path?q=1#top", "example.com"),
        ("http://user:secret@www.example.com:8443/", "example.com"),
        ("www.example.com.", "example.com"),
        ("www2.example.com", "www2.example.com"),
        ("www.com", "www.com"),  # nothing left after "www." but a TLD
        ("ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ", "example.com"),  # full-width
        ("http://例子.中国/首页", "例子.中国"),
        ("example.xn--fiqs8s", "example.xn--fiqs8s"),
        ("my-shop.example.com", "my-shop.example.com"),
        ("nottaobao.com", "nottaobao.com"),  # not a subdomain of taobao.com
        ("taobao.com.example.cn", "taobao.com.example.cn"),
    ],
)
def test_websites_reduce_to_their_host(raw, domain):
    assert website_domain(raw) == domain


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "example",
        "http://",
        "https:///path",
        "http://localhost:8000",
        "http://192.168.1.1/",
        "http://[::1",
        "exa mple.com",
        "-example.com",
        "example-.com",
        "example..com",
        "example.c",
        "example.123",
        "under_score.com",
    ],
)
def test_text_that_is_not_a_host_gives_none(raw):
    assert website_domain(raw) is None


@pytest.mark.parametrize("domain", sorted(SHARED_DOMAINS))
@pytest.mark.parametrize("template", ["{}", "https://www.{}/", "shop123.{}", "http://a.b.{}/x"])
def test_shared_mail_and_platform_domains_and_their_subdomains_give_none(domain, template):
    assert website_domain(template.format(domain)) is None


@pytest.mark.parametrize(
    "domain",
    [
        "qq.com",
        "163.com",
        "126.com",
        "sina.com",
        "sina.cn",
        "sohu.com",
        "aliyun.com",
        "foxmail.com",
        "gmail.com",
        "hotmail.com",
        "outlook.com",
        "yahoo.com",
        "139.com",
        "yeah.net",
        "taobao.com",
        "tmall.com",
        "jd.com",
        "weibo.com",
        "1688.com",
        "mp.weixin.qq.com",
        "weixin.qq.com",
        "douyin.com",
        "xiaohongshu.com",
    ],
)
def test_the_shared_domain_list_covers_the_common_platforms(domain):
    assert domain in SHARED_DOMAINS


# --- identity keys ----------------------------------------------------------


def test_identity_keys_collect_every_kind():
    keys = identity_keys(
        name="上海远航贸易有限公司",
        credit_code="91350100m000100y43",
        phones=["+86 138-0013-8000", "(021) 6888-1234"],
        emails=["Sales@Yuanhang.com.cn"],
        website="https://www.yuanhang.com.cn/",
    )

    assert keys == {
        ("name", "上海远航贸易"),
        ("credit_code", "91350100M000100Y43"),
        ("phone", "13800138000"),
        ("phone", "02168881234"),
        ("email", "sales@yuanhang.com.cn"),
        ("domain", "yuanhang.com.cn"),
    }
    assert {kind for kind, _ in keys} == set(KEY_KINDS)


def test_key_kinds_are_the_five_kinds():
    assert KEY_KINDS == ("name", "credit_code", "phone", "email", "domain")


def test_identity_keys_skip_invalid_and_empty_parts():
    keys = identity_keys(
        name="Acme Co., Ltd.",
        credit_code="91350100M000100Y44",  # wrong check character
        phones=["", "12345", "n/a", "138 0013 8000"],
        emails=["", "not-an-email", "x@y"],
        website="https://shop123.taobao.com/",
    )

    assert keys == {("name", "acme"), ("phone", "13800138000")}


def test_identity_keys_of_a_name_alone():
    assert identity_keys(name="Acme Ltd") == {("name", "acme")}


@pytest.mark.parametrize("credit_code", [None, "", " ", "91350100M000100Y4", "91350100M000100I43"])
def test_identity_keys_include_the_credit_code_only_when_valid(credit_code):
    assert identity_keys(name="Acme", credit_code=credit_code) == {("name", "acme")}


@pytest.mark.parametrize("website", [None, "", "not a site", "gmail.com", "https://weibo.com/acme"])
def test_identity_keys_skip_a_missing_invalid_or_shared_website(website):
    assert identity_keys(name="Acme", website=website) == {("name", "acme")}


def test_a_name_of_only_punctuation_gives_no_name_key():
    assert identity_keys(name=" （）。 ", phones=["13800138000"]) == {("phone", "13800138000")}


def test_identity_keys_collapse_spellings_of_the_same_contact():
    keys = identity_keys(
        name="Acme",
        phones=["138 0013 8000", "+86 13800138000", "８６１３８００１３８０００"],
        emails=["a@acme.com", " A@ACME.COM "],
    )

    assert keys == {("name", "acme"), ("phone", "13800138000"), ("email", "a@acme.com")}


def test_identity_keys_accept_any_iterable():
    keys = identity_keys(name="Acme", phones=iter(["13800138000"]), emails=(e for e in ["a@b.cn"]))

    assert keys == {("name", "acme"), ("phone", "13800138000"), ("email", "a@b.cn")}


def test_two_spellings_of_one_company_share_every_key():
    first = identity_keys(
        name="上海远航贸易有限公司",
        credit_code="91350100M000100Y43",
        phones=["021-68881234"],
        emails=["info@yuanhang.cn"],
        website="www.yuanhang.cn",
    )
    second = identity_keys(
        name="上海远航贸易（股份有限公司）",
        credit_code="９１３５０１００ｍ０００１００ｙ４３",
        phones=["+86 21 6888 1234 转 8"],
        emails=["INFO@YUANHANG.CN"],
        website="http://yuanhang.cn/contact",
    )

    assert first == second
