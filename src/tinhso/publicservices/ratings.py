"""The applicant's satisfaction rating of a dossier, after the result (registered in the
publicservices app). The criteria are those the national portal asks after a procedure
(the evaluation criteria of Circular 01/2018/TT-VPCP, kept by Decree 118/2025/NĐ-CP),
each on the portal's three levels."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RatingLevel(models.IntegerChoices):
    UNSATISFIED = 1, _("Not satisfied")
    SATISFIED = 2, _("Satisfied")
    VERY_SATISFIED = 3, _("Very satisfied")


#: (field, label): the criteria, in the portal's order.
CRITERIA: tuple[tuple[str, str], ...] = (
    ("publicity", _("The procedure was published in full and easy to understand")),
    ("contacts", _("Number of trips and contacts needed")),
    ("staff", _("Attitude and conduct of the officers")),
    ("timeliness", _("Processing time compared with the appointment")),
    ("result", _("The result of the procedure")),
)
CRITERIA_FIELDS = tuple(field for field, _label in CRITERIA)
MAX_LEVEL = max(RatingLevel.values)


def rating_score(levels: dict[str, int]) -> int:
    """0–100: the mean of the criteria, 1 = 0 and 3 = 100."""
    values = [levels[field] for field in CRITERIA_FIELDS]
    return round(sum(v - 1 for v in values) * 100 / ((MAX_LEVEL - 1) * len(values)))


def _level(label) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(label, choices=RatingLevel.choices)


class SatisfactionRating(models.Model):
    dossier = models.OneToOneField("publicservices.Dossier", on_delete=models.CASCADE,
                                   related_name="satisfaction")
    publicity = _level(CRITERIA[0][1])
    contacts = _level(CRITERIA[1][1])
    staff = _level(CRITERIA[2][1])
    timeliness = _level(CRITERIA[3][1])
    result = _level(CRITERIA[4][1])
    #: 0–100 (`rating_score`), kept for the statistics' aggregation in the database.
    score = models.PositiveSmallIntegerField(_("score"))
    #: Copied from the dossier when it is rated (its result is ready: they no longer
    #: change), so the statistics aggregate the ratings without joining the dossiers.
    agency = models.ForeignKey("publicservices.Agency", on_delete=models.PROTECT,
                               related_name="+")
    procedure = models.ForeignKey("publicservices.Procedure", on_delete=models.PROTECT,
                                  related_name="+")
    received_at = models.DateTimeField()
    comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"))

    class Meta:
        indexes = [models.Index(fields=["received_at"], name="rating_received_idx")]
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        constraints = [
            *[models.CheckConstraint(condition=Q(**{f"{f}__gte": 1, f"{f}__lte": 3}),
                                     name=f"rating_{f}_level") for f in CRITERIA_FIELDS],
            models.CheckConstraint(condition=Q(score__lte=100), name="rating_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.score}"
