"""The ranking maths alone, against a table worked out by hand."""

from decimal import Decimal

import pytest

from tinhso.innovation.ranking import CriterionWeight, judge_total, rank

# Innovation weighs 40 (scored out of 10), market 60 (scored out of 20).
CRITERIA = [CriterionWeight(1, 40, 10), CriterionWeight(2, 60, 20)]


@pytest.mark.parametrize(("scores", "total"), [
    # (40·100·8/10 + 60·100·10/20) / 100 = (3200 + 3000) / 100 = 62
    ({1: 8, 2: 10}, Decimal("62")),
    # (40·100·10/10 + 60·100·20/20) / 100 = 100
    ({1: 10, 2: 20}, Decimal("100")),
    ({1: 0, 2: 0}, Decimal("0")),
    # (40·100·7/10 + 60·100·15/20) / 100 = (2800 + 4500) / 100 = 73
    ({1: 7, 2: 15}, Decimal("73")),
    # (40·100·5/10 + 60·100·11/20) / 100 = (2000 + 3300) / 100 = 53
    ({1: 5, 2: 11}, Decimal("53")),
])
def test_one_judges_total_is_the_weighted_mean_scaled_to_100(scores, total):
    assert judge_total(CRITERIA, scores) == total


def test_ranking_table_worked_by_hand():
    applications = [
        # A: judges 62 and 73 -> mean 67.5, spread 11, std dev 5.5
        ("A", "KN-2026-0001", [{1: 8, 2: 10}, {1: 7, 2: 15}]),
        # B: judges 100, 53, 62 -> mean 71.666.. = 71.67; spread 47;
        #    deviations 28.33, -18.67, -9.67 -> var (802.78+348.44+93.44)/3 = 414.89
        #    -> std dev 20.37
        ("B", "KN-2026-0002", [{1: 10, 2: 20}, {1: 5, 2: 11}, {1: 8, 2: 10}]),
        # C: one judge, 8/10 and 13/20 -> (3200 + 3900)/100 = 71; alone: spread 0
        ("C", "KN-2026-0003", [{1: 8, 2: 13}]),
        # D: nobody scored -> not ranked
        ("D", "KN-2026-0004", []),
        # E: same mean as A (67.5) -> shares A's rank, listed after it by number
        ("E", "KN-2026-0005", [{1: 7, 2: 15}, {1: 8, 2: 10}]),
    ]
    table = [(r.key, r.rank, r.score, r.spread, r.std_dev) for r in rank(CRITERIA, applications)]
    assert table == [
        ("B", 1, Decimal("71.67"), Decimal("47.00"), Decimal("20.37")),
        ("C", 2, Decimal("71.00"), Decimal("0.00"), Decimal("0.00")),
        ("A", 3, Decimal("67.50"), Decimal("11.00"), Decimal("5.50")),
        ("E", 3, Decimal("67.50"), Decimal("11.00"), Decimal("5.50")),
    ]


def test_a_score_outside_the_criterion_range_is_refused():
    with pytest.raises(ValueError, match="outside"):
        judge_total(CRITERIA, {1: 11, 2: 5})
    with pytest.raises(ValueError, match="outside"):
        judge_total(CRITERIA, {1: -1, 2: 5})


def test_the_module_imports_no_django():
    import tinhso.innovation.ranking as module
    import tinhso.innovation.workflow as flow

    for mod in (module, flow):
        with open(mod.__file__, encoding="utf-8") as file:
            source = file.read()
        assert "import django" not in source and "from django" not in source
