"""Our company as printed on documents: one row, edited in the admin, kept in history."""

from django.urls import reverse

from salescrm import selectors
from salescrm.models import CompanyProfile

FIELDS = {
    "letterhead": "星辰传媒",
    "legal_name": "上海星辰传媒有限公司",
    "legal_name_en": "Shanghai Star Media Co., Ltd.",
    "address": "上海市浦东新区世纪大道100号",
    "address_en": "",
    "phone": "021-5555 0000",
    "tax_number": "91310000MA1FL0XX1Q",
    "bank": "中国工商银行上海分行",
    "bank_account": "1001 2345 6789 0000",
}


def test_the_administrator_edits_the_company_profile_and_each_edit_is_kept(client_for, admin_user):
    client = client_for(admin_user)

    client.post(reverse("admin:salescrm_companyprofile_add"), FIELDS)
    client.post(
        reverse("admin:salescrm_companyprofile_change", args=[1]),
        {**FIELDS, "address": "上海市黄浦区南京东路1号"},
    )

    profile = selectors.company_profile()
    assert profile.address == "上海市黄浦区南京东路1号"
    assert [h.address for h in profile.history.order_by("history_id")] == [
        "上海市浦东新区世纪大道100号",
        "上海市黄浦区南京东路1号",
    ]
    assert [h.history_user for h in profile.history.all()] == [admin_user, admin_user]
    # One row only: no second one, no deleting it.
    assert client.get(reverse("admin:salescrm_companyprofile_add")).status_code == 403
    assert client.get(reverse("admin:salescrm_companyprofile_delete", args=[1])).status_code == 403


def test_the_english_name_and_address_fall_back_to_the_chinese_ones(db):
    profile = CompanyProfile.objects.create(pk=1, legal_name="上海星辰传媒有限公司", address="上海")

    assert profile.name_in("en") == "上海星辰传媒有限公司"
    assert profile.address_in("en") == "上海"
    profile.legal_name_en = "Shanghai Star Media Co., Ltd."
    assert profile.name_in("en") == "Shanghai Star Media Co., Ltd."
    assert profile.name_in("zh-hans") == "上海星辰传媒有限公司"
