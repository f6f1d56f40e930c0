import pytest

from visits import rules

MET = {
    "person_met": "王芳",
    "person_title": "品牌总监",
    "decision_power": "yes",
    "needs": "More weekend shoppers",
}


def test_a_log_naming_the_person_their_title_power_and_the_needs_lacks_nothing():
    assert rules.log_missing(MET) == []


@pytest.mark.parametrize(
    ("changes", "missing"),
    [
        ({"person_met": " "}, ["person_met"]),
        ({"person_title": ""}, ["person_title"]),
        ({"decision_power": "unknown"}, ["decision_power"]),
        ({"decision_power": ""}, ["decision_power"]),
        ({"needs": None}, ["needs"]),
        (
            {"person_met": "", "person_title": "", "decision_power": "unknown", "needs": ""},
            ["person_met", "person_title", "decision_power", "needs"],
        ),
    ],
)
def test_what_a_log_lacks_is_named_in_the_forms_order(changes, missing):
    assert rules.log_missing({**MET, **changes}) == missing


def test_met_nobody_needs_only_its_reason():
    assert rules.log_missing({"met_nobody": True, "met_nobody_reason": "Reception only."}) == []
    assert rules.log_missing({"met_nobody": True, "met_nobody_reason": "  "}) == [
        "met_nobody_reason"
    ]
