"""Staff corrections: every change to a grade or to inspection metadata carries a reason.

The admin uses these forms; their `save_correction(user)` goes through the model methods
(`Judgement.correct`, `Judgement.revert`, `Inspection.correct`), which write the history row.
"""

from django import forms

from authorities.models import LocalAuthority

from . import frameworks as fw
from .models import Grade, Inspection, Judgement


def _reason_field(help_text):
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), help_text=help_text
    )


class JudgementCorrectionForm(forms.ModelForm):
    """Change a judgement's grade. Choosing the parsed grade again reverts the correction."""

    reason = _reason_field("Why the grade is changed. Kept in the history with your name.")

    class Meta:
        model = Judgement
        fields = ["grade"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The database checks the grade against the framework only on save; offer just those.
        # (A reader's form has no grade field: the admin shows it read-only.)
        if "grade" in self.fields:
            allowed = fw.FRAMEWORK_GRADES.get(self.instance.framework, Grade.values)
            self.fields["grade"].choices = [(g, Grade(g).label) for g in allowed]

    def clean_grade(self):
        grade = self.cleaned_data["grade"]
        if grade == self.initial.get("grade"):
            raise forms.ValidationError("The grade is unchanged.")
        return grade

    def save_correction(self, user):
        judgement, reason = self.instance, self.cleaned_data["reason"]
        grade = self.cleaned_data["grade"]
        if judgement.is_corrected and grade == judgement.parsed_grade:
            judgement.revert(reason=reason, user=user)
        else:
            judgement.correct(grade=grade, reason=reason, user=user)
        return judgement


class RevertForm(forms.Form):
    reason = _reason_field("Why the parsed grade is right after all. Kept in the history.")


class InspectionCorrectionForm(forms.ModelForm):
    """Correct an inspection's dates, published date, lead inspector or authority."""

    reason = _reason_field("Why these details are changed. Kept in the history with your name.")

    class Meta:
        model = Inspection
        fields = ["authority", "start_date", "end_date", "published", "lead_inspector"]

    def clean(self):
        cleaned = super().clean()
        if not set(self.changed_data) - {"reason"}:
            raise forms.ValidationError("Nothing was changed.")
        # The form leaves out `framework`, so Django skips this constraint; check it here.
        clash = Inspection.objects.filter(
            authority=cleaned.get("authority"),
            framework=self.instance.framework,
            start_date=cleaned.get("start_date"),
        ).exclude(pk=self.instance.pk)
        if cleaned.get("authority") and clash.exists():
            raise forms.ValidationError(
                "This authority already has an inspection under this framework on that date."
            )
        return cleaned

    def save_correction(self, user):
        fields = {name: self.cleaned_data[name] for name in self.changed_data if name != "reason"}
        self.instance.correct(user=user, reason=self.cleaned_data["reason"], **fields)
        return self.instance


class AddJudgementForm(forms.Form):
    """Add a judgement the documents did not give: an area of the inspection's framework that it
    lacks, a grade on that framework's scale, and why."""

    area = forms.ChoiceField()
    grade = forms.ChoiceField()
    reason = _reason_field("Where the grade comes from. Kept in the history with your name.")

    def __init__(self, *args, inspection, **kwargs):
        super().__init__(*args, **kwargs)
        self.inspection = inspection
        judged = set(inspection.judgements.values_list("area", flat=True))
        self.fields["area"].choices = [
            (a.key, a.label) for a in fw.areas_for(inspection.framework) if a.key not in judged
        ]
        self.fields["grade"].choices = [
            (g, Grade(g).label) for g in fw.FRAMEWORK_GRADES.get(inspection.framework, ())
        ]

    def save_correction(self, user):
        return Judgement.add_missing(
            inspection=self.inspection,
            area=self.cleaned_data["area"],
            grade=self.cleaned_data["grade"],
            reason=self.cleaned_data["reason"],
            user=user,
        )


class PlaceDocumentForm(forms.Form):
    """Name the authority of a document the ingest could not place."""

    authority = forms.ModelChoiceField(queryset=None)
    reason = _reason_field("How you know the authority. Kept in the history with your name.")

    def __init__(self, *args, document, **kwargs):
        super().__init__(*args, **kwargs)
        # A name several authorities share: offer those; otherwise every authority.
        codes = document.reading.get("authority_candidates") or []
        authorities = LocalAuthority.objects.order_by("name")
        self.fields["authority"].queryset = (
            authorities.filter(la_code__in=codes) if codes else authorities
        )
