from types import SimpleNamespace

import pytest

from customers.rules import Load, balance, missing_fields


def file(**fields):
    base = {"industry": "Retail", "city": "Shanghai", "needs": "Foot traffic"}
    base.update(fields)
    return SimpleNamespace(**base)


def contact(name="Zhang Wei", phone="13800138000", email=""):
    return SimpleNamespace(name=name, phone=phone, email=email)


def test_a_file_with_everything_misses_nothing():
    assert missing_fields(file(), [contact()]) == []


@pytest.mark.parametrize("field", ["industry", "city", "needs"])
def test_a_blank_required_field_is_missing(field):
    assert len(missing_fields(file(**{field: "  "}), [contact()])) == 1


def test_a_contact_needs_a_phone_or_an_email():
    assert missing_fields(file(), [contact(phone="", email="")]) != []
    assert missing_fields(file(), [contact(phone="", email="li@example.com")]) == []
    assert missing_fields(file(), []) != []


def loads(*rows):
    return [
        Load(person_id=i, open_customers=o, ability_weight=w, recent_assignments=r, name=f"p{i}")
        for i, (o, w, r) in enumerate(rows, start=1)
    ]


def test_the_lowest_load_by_ability_gets_the_next_customer():
    # ratios: 10/5 = 2.0, 3/1 = 3.0, 2/2 = 1.0
    assert balance(loads((10, 5, 0), (3, 1, 0), (2, 2, 0)), 1) == [3]


def test_ties_go_to_fewer_recent_assignments():
    assert balance(loads((4, 2, 5), (2, 1, 1)), 1) == [2]


@pytest.mark.parametrize("count", [1, 7, 30, 101])
def test_a_batch_keeps_the_ratios_level_within_one_customer(count):
    people = loads((10, 5, 0), (3, 1, 0), (0, 3, 0), (6, 2, 0))
    picks = balance(people, count)

    after = {p.person_id: p.open_customers + picks.count(p.person_id) for p in people}
    weights = {p.person_id: p.ability_weight for p in people}
    # Everyone who received customers ends no more than one customer (per weight) above
    # the least-loaded person: (open - 1) / weight <= min ratio.
    least = min(after[p] / weights[p] for p in after)
    for person in after:
        if picks.count(person):
            assert (after[person] - 1) / weights[person] <= least + 1e-9
    assert len(picks) == count


def test_no_salespeople_means_no_proposal():
    assert balance([], 3) == []


def test_balance_does_not_change_the_loads_it_is_given():
    people = loads((1, 1, 0))
    balance(people, 3)
    assert people[0].open_customers == 1
