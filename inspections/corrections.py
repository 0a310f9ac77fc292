"""Staff work that survives a rebuild: corrections and review decisions, out of one database and
into another.

Everything but staff work can be rebuilt by ingesting the documents again. `staff_actions()`
reads from the history every action staff took: a grade corrected (`Judgement.correct`), a
correction reverted (`Judgement.revert`), a flagged grade confirmed as parsed
(`Judgement.confirm`) and an inspection's details corrected (`Inspection.correct`), each with who,
when and why. An action names what it applies to by the SHA-256 of a source document (the
judgement's own first, then the inspection's other documents) and the judgement area or the
inspection fields, never by primary key, so it can be placed in a database built from the same
documents.

`apply_actions(actions)` replays them in the order they were made, through the same model
methods, so each writes its history row (dated when the import runs, after the rebuild's own rows,
so the history stays in order); a corrected grade keeps its own `corrected_at`. The reason is kept
word for word. An editor is matched by username; one without an account here is recorded as no
user, and a corrected grade's `correction_reason` names them ("[first made by alice, who has no
account here]"; django-simple-history keeps at most 100 characters of a history row's reason, so
the note goes there only). An action is already applied when its object's history holds as many
rows of the same action, reason and user as the export holds before it: importing twice changes
nothing, and nor does importing into the database the export came from. What cannot be placed or
applied is reported, never guessed.
"""

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby

from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from authorities.models import LocalAuthority

from .models import Inspection, Judgement, SourceDocument

FORMAT = "ofsted-compare-staff-actions"
VERSION = 1

ADD_JUDGEMENT = "add_judgement"
CORRECT_GRADE = "correct_grade"
REVERT_GRADE = "revert_grade"
CONFIRM_AS_PARSED = "confirm_as_parsed"
CORRECT_INSPECTION = "correct_inspection"

DATE_FIELDS = ("start_date", "end_date", "published")

# The note a correction's reason ends with when its editor has no account here (usernames hold
# no spaces); a later export reads the editor back from it.
NO_ACCOUNT_RE = re.compile(r" \[first made by (?P<user>\S+), who has no account here\]$")


# Export


def export():
    """Every staff action as a JSON-able dict; and the actions that name no document (which no
    rebuild could place), as words."""
    actions, unplaceable = [], []
    places = _Places()
    for action, ids in [*_judgement_actions(), *_inspection_actions()]:
        documents = places.documents(*ids)
        if not documents:
            unplaceable.append(f"{action['action']} of {action['at']}: no source document")
            continue
        actions.append({**action, **documents})
    actions.sort(key=lambda a: (a["at"], a["action"], a["document_sha256"], a.get("area", "")))
    document = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "actions": actions,
    }
    return document, unplaceable


JUDGEMENT_HISTORY = [
    "id",
    "history_id",
    "history_date",
    "history_change_reason",
    "history_user__username",
    "history_type",
    "inspection_id",
    "source_document_id",
    "area",
    "label",
    "grade",
    "parsed_grade",
    "is_corrected",
    "added_by_staff",
    "corrected_at",
    "corrected_by__username",
    "correction_reason",
    "needs_review",
    "review_reason",
]


def _judgement_actions():
    """(action, (inspection id, document id)) for each staff change in the judgements' history.

    The ingest never sets `corrected_at`, never clears `is_corrected` and never clears a flag,
    so each of those changes between two history rows is a staff action.
    """
    touched = Judgement.history.filter(Q(is_corrected=True) | Q(needs_review=True))
    rows = (
        Judgement.history.filter(id__in=touched.values("id"))
        .order_by("id", "history_date", "history_id")
        .values(*JUDGEMENT_HISTORY)
    )
    for _, versions in groupby(rows, key=lambda r: r["id"]):
        before = {}
        for row in versions:
            action = _judgement_action(before, row)
            if action:
                yield action, (row["inspection_id"], row["source_document_id"])
            before = row


def _judgement_action(before, row):
    common = {
        "at": row["history_date"].isoformat(),
        "user": row["history_user__username"],
        "reason": row["history_change_reason"] or "",
        "area": row["area"],
        "label": row["label"],
    }
    if row["is_corrected"] and (
        not before.get("is_corrected") or row["corrected_at"] != before["corrected_at"]
    ):
        no_account = NO_ACCOUNT_RE.search(row["correction_reason"])
        added = row["history_type"] == "+" and row["added_by_staff"]
        return {
            "action": ADD_JUDGEMENT if added else CORRECT_GRADE,
            **common,
            "user": common["user"]
            or row["corrected_by__username"]
            or (no_account and no_account["user"]),
            "reason": common["reason"] or NO_ACCOUNT_RE.sub("", row["correction_reason"]),
            "corrected_at": row["corrected_at"].isoformat(),
            "grade": row["grade"],
            "parsed_grade": row["parsed_grade"],
        }
    if before.get("is_corrected") and not row["is_corrected"]:
        return {"action": REVERT_GRADE, **common, "grade": row["grade"]}
    if before.get("needs_review") and not row["needs_review"]:
        return {
            "action": CONFIRM_AS_PARSED,
            **common,
            "grade": row["grade"],
            "review_reason": before["review_reason"],
        }
    return None


def _inspection_actions():
    """(action, (inspection id, None)) for each change of a corrected field in the history.

    The ingest never writes a field in `corrected_fields`, so a field newly listed there, or
    one listed whose value changed, is a staff correction.
    """
    touched = Inspection.history.exclude(corrected_fields=[]).values("id")
    rows = (
        Inspection.history.filter(id__in=touched)
        .order_by("id", "history_date", "history_id")
        .values(
            "id",
            "history_date",
            "history_change_reason",
            "history_user__username",
            "corrected_fields",
            "authority__la_code",
            *(name for name in Inspection.CORRECTABLE if name != "authority"),
        )
    )
    for _, versions in groupby(rows, key=lambda r: r["id"]):
        before = {}
        for row in versions:
            newly = set(row["corrected_fields"]) - set(before.get("corrected_fields", []))
            changed = [
                name
                for name in row["corrected_fields"]
                if name in newly or _value(before, name) != _value(row, name)
            ]
            if changed:
                action = {
                    "action": CORRECT_INSPECTION,
                    "at": row["history_date"].isoformat(),
                    "user": row["history_user__username"],
                    "reason": row["history_change_reason"] or "",
                    "fields": {name: _value(row, name) for name in sorted(changed)},
                }
                yield action, (row["id"], None)
            before = row


def _value(row, name):
    """A correctable field as JSON: the authority by its DfE LA code, dates in ISO form."""
    if not row:
        return None
    value = row["authority__la_code"] if name == "authority" else row[name]
    return value.isoformat() if isinstance(value, date) else value


class _Places:
    """The documents an action can be placed by: the judgement's own, then its inspection's."""

    def __init__(self):
        self.of_inspection = {}

    def documents(self, inspection_id, document_id):
        if inspection_id not in self.of_inspection:
            self.of_inspection[inspection_id] = list(
                # inspection reports before council papers and demo data, then by name
                SourceDocument.objects.filter(inspection_id=inspection_id)
                .order_by("-kind", "file_name")
                .values("pk", "sha256", "file_name")
            )
        documents = list(self.of_inspection[inspection_id])
        own = [d for d in documents if d["pk"] == document_id]
        if document_id and not own:  # the document moved to another inspection since
            own = list(
                SourceDocument.objects.filter(pk=document_id).values("pk", "sha256", "file_name")
            )
        documents = own + [d for d in documents if d["pk"] != document_id]
        if not documents:
            return {}
        return {
            "document_sha256": documents[0]["sha256"],
            "document_name": documents[0]["file_name"],
            "other_documents": [d["sha256"] for d in documents[1:]],
        }


# Import


@dataclass
class ImportReport:
    applied: Counter = field(default_factory=Counter)
    already: int = 0
    not_placed: list[str] = field(default_factory=list)
    not_applied: list[str] = field(default_factory=list)
    # Actions this database needs no more: a revert of a grade not corrected here, a
    # confirmation of a grade not flagged here (a later parser may not flag it).
    unneeded: list[str] = field(default_factory=list)
    unknown_users: set[str] = field(default_factory=set)


def read(document):
    """The actions of an exported document; ValueError if it is not one."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"not an export of staff actions (no format {FORMAT!r})")
    if document.get("version") != VERSION:
        raise ValueError(f"version {document.get('version')!r}; this import reads {VERSION}")
    return document["actions"]


def apply_actions(actions):
    """Apply exported staff actions in the order they were made; report what was and was not."""
    report = ImportReport()
    users, already, seen = {}, {}, Counter()
    for action in sorted(actions, key=lambda a: a["at"]):
        where = _describe(action)
        try:
            target = _place(action)
        except LookupError as e:
            report.not_placed.append(f"{where}: {e}")
            continue
        user = _user(action, users, report)
        # The nth time this action, reason and user occur for this object in the export is
        # applied unless the object's history already held n such rows before this import.
        key = (target._meta.label, target.pk, _signature(action, user))
        if key not in already:
            already[key] = _same_actions(target, action, user).count()
        seen[key] += 1
        if seen[key] <= already[key]:
            report.already += 1
            continue
        try:
            with transaction.atomic():
                _apply(action, target, user=user)
        except _Unneeded as e:
            report.unneeded.append(f"{where}: {e}")
            continue
        except (ValueError, DatabaseError, _Skipped) as e:
            report.not_applied.append(f"{where}: {e}")
            continue
        report.applied[action["action"]] += 1
    return report


def _signature(action, user):
    what = {k: action.get(k) for k in ("action", "area", "grade", "reason")}
    return json.dumps({**what, "fields": action.get("fields"), "user": user and user.pk})


def _same_actions(target, action, user):
    """History rows of `target` this action would have written."""
    kind = action["action"]
    if kind == ADD_JUDGEMENT:  # the inspection is the target; the judgement is new
        return Judgement.history.filter(
            inspection_id=target.pk,
            area=action["area"],
            history_type="+",
            added_by_staff=True,
            grade=action["grade"],
            history_change_reason=action["reason"],
            history_user=user,
        )
    rows = target.history.filter(history_change_reason=action["reason"], history_user=user)
    if kind == CORRECT_GRADE:
        return rows.filter(is_corrected=True, grade=action["grade"])
    if kind == REVERT_GRADE:
        return rows.filter(is_corrected=False)
    if kind == CONFIRM_AS_PARSED:
        return rows.filter(needs_review=False)
    try:
        fields = _fields(action["fields"])
    except _Skipped:
        return rows.none()
    return rows.filter(**fields)


class _Skipped(Exception):
    """The action no longer fits what this database holds; it is reported, not forced."""


class _Unneeded(Exception):
    """This database is already as the action would leave it."""


def _describe(action):
    what = action.get("label") or ", ".join(action.get("fields", {}))
    return (
        f"{action['action']} by {action['user'] or 'an unrecorded user'} at {action['at']} "
        f"({action['document_name']}: {what})"
    )


def _place(action):
    """The judgement or inspection an action applies to, found by document hash and area."""
    hashes = [action["document_sha256"], *action.get("other_documents", [])]
    found = {
        d.sha256: d
        for d in SourceDocument.objects.filter(sha256__in=hashes).select_related("inspection")
    }
    document = next((found[h] for h in hashes if h in found and found[h].inspection), None)
    if document is None:
        raise LookupError(
            f"no document with SHA-256 {action['document_sha256'][:12]}… (or the inspection's "
            "other documents) in this database: ingest it first"
        )
    inspection = document.inspection
    if action["action"] in (CORRECT_INSPECTION, ADD_JUDGEMENT):
        return inspection
    judgement = inspection.judgements.filter(area=action["area"]).first()
    if judgement is None:
        raise LookupError(f"{inspection} has no judgement of area {action['area']}")
    return judgement


def _user(action, users, report):
    """The editor's account here, by username; None if they have none (reported)."""
    username = action["user"]
    if username and username not in users:
        users[username] = get_user_model().objects.filter(username=username).first()
    if username and users[username] is None:
        report.unknown_users.add(username)
    return users.get(username)


def _apply(action, target, *, user):
    kind, reason = action["action"], action["reason"]
    if kind in (ADD_JUDGEMENT, CORRECT_GRADE):
        if kind == ADD_JUDGEMENT:
            target = _add(action, target, user=user)
        else:
            corrected_at = datetime.fromisoformat(action["corrected_at"])
            _not_corrected_here_later(target, corrected_at)
            target.correct(grade=action["grade"], reason=reason, user=user, at=corrected_at)
        if user is None and action["user"]:
            _name_the_editor(target, action)
    elif kind == REVERT_GRADE:
        if not target.is_corrected:
            raise _Unneeded("the grade is not corrected here: nothing to revert")
        _not_corrected_here_later(target, datetime.fromisoformat(action["at"]))
        target.revert(reason=reason, user=user)
    elif kind == CONFIRM_AS_PARSED:
        if not target.needs_review:
            raise _Unneeded("not flagged for review here: nothing to confirm")
        confirmed = set(action["review_reason"].splitlines())
        other = [r for r in target.review_reason.splitlines() if r not in confirmed]
        if other:
            raise _Skipped(f"flagged here for another reason, left for review: {other[0]}")
        target.confirm(user=user, reason=reason)
    elif kind == CORRECT_INSPECTION:
        target.correct(user=user, reason=reason, **_fields(action["fields"]))
    else:
        raise ValueError(f"unknown action {kind!r}")


def _name_the_editor(judgement, action):
    """An editor without an account here is named in the correction's own reason (a text
    field, in the judgement and in the history row just written), not in the history row's
    reason (django-simple-history keeps 100 characters of it)."""
    noted = f"{action['reason']} [first made by {action['user']}, who has no account here]"
    Judgement.objects.filter(pk=judgement.pk).update(correction_reason=noted)
    latest = judgement.history.first()
    judgement.history.filter(history_id=latest.history_id).update(correction_reason=noted)


def _add(action, inspection, *, user):
    """Add the judgement staff added; if the documents now give it, correct that one instead
    (the staff's grade is kept, as the ingest keeps it)."""
    corrected_at = datetime.fromisoformat(action["corrected_at"])
    existing = inspection.judgements.filter(area=action["area"]).first()
    if existing is None:
        return Judgement.add_missing(
            inspection=inspection,
            area=action["area"],
            grade=action["grade"],
            reason=action["reason"],
            user=user,
            at=corrected_at,
        )
    if existing.grade == action["grade"]:
        raise _Unneeded(f"the documents now give it, as {existing.grade}")
    _not_corrected_here_later(existing, corrected_at)
    existing.correct(grade=action["grade"], reason=action["reason"], user=user, at=corrected_at)
    return existing


def _not_corrected_here_later(judgement, at):
    if judgement.is_corrected and judgement.corrected_at and judgement.corrected_at > at:
        raise _Skipped(
            f"corrected here later ({judgement.corrected_at.isoformat()}, to "
            f"{judgement.grade}); that correction is kept"
        )


def _fields(exported):
    fields = {}
    for name, value in exported.items():
        if name == "authority":
            authority = LocalAuthority.objects.filter(la_code=value).first()
            if authority is None:
                raise _Skipped(f"no authority with DfE LA code {value} here")
            fields[name] = authority
        elif name in DATE_FIELDS:
            fields[name] = date.fromisoformat(value) if value else None
        else:
            fields[name] = value or ""
    return fields
