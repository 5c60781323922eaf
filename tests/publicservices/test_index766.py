"""The Decision 766 index from counts, alone (no Django)."""

from tinhso.publicservices import index766

PERFECT = {"portal_updates": 10, "portal_delivered": 10, "received": 10,
           "resolved": 8, "resolved_on_time": 8, "in_progress": 2,
           "in_progress_on_time": 2, "received_online": 10, "fee_dossiers": 4,
           "fee_paid_online": 4, "rating_points": 300, "rating_points_max": 300,
           "papers_digitised": 10, "results_digitised": 8}


def test_the_six_groups_make_100_points():
    assert [(g.key, g.points) for g in index766.GROUPS] == [
        ("publicity", 18), ("timeliness", 20), ("online", 12), ("payment", 10),
        ("satisfaction", 18), ("digitisation", 22)]
    assert index766.score(PERFECT)["total"] == 100


def test_each_share_takes_its_weight_of_the_group():
    counts = {**PERFECT, "resolved_on_time": 4, "in_progress_on_time": 1}
    result = index766.score(counts)
    timeliness = next(g for g in result["groups"] if g["key"] == "timeliness")
    assert timeliness["points"] == 10.0  # 20 × (0.6 × 0.5 + 0.4 × 0.5)
    assert result["total"] == 90.0


def test_a_group_without_data_is_not_scored_and_the_total_is_scaled():
    counts = {**PERFECT, "fee_dossiers": 0, "fee_paid_online": 0,
              "resolved_on_time": 4}
    result = index766.score(counts)
    payment = next(g for g in result["groups"] if g["key"] == "payment")
    assert payment["points"] is None
    # 90 points available; timeliness lost 20 × 0.6 × 0.5 = 6 → 84 / 90 × 100
    assert result["total"] == round(84 * 100 / 90, 2)


def test_nothing_to_judge_is_no_score():
    assert index766.score({})["total"] is None


def test_a_missing_indicator_leaves_its_group_to_the_others():
    counts = {**PERFECT, "in_progress": 0, "in_progress_on_time": 0, "resolved_on_time": 6}
    timeliness = next(g for g in index766.score(counts)["groups"] if g["key"] == "timeliness")
    assert timeliness["points"] == 15.0  # only the resolved share, 0.75 × 20


def test_ranking_shares_equal_scores_and_puts_unscored_last():
    rows = [{"code": "B", "total": 80}, {"code": "A", "total": 90}, {"code": "C", "total": 80},
            {"code": "D", "total": None}]
    ranked = index766.rank(rows)
    assert [(r["code"], r["rank"]) for r in ranked] == [("A", 1), ("B", 2), ("C", 2),
                                                        ("D", None)]
