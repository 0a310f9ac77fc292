"""Staff work that survives a rebuild: corrections and review decisions, out of one database and
into another.

Everything but staff work can be rebuilt by ingesting the documents again. `export()` writes
every action staff took, as the model methods recorded it (`StaffAction`): a grade corrected
(`Judgement.correct`), a correction reverted (`Judgement.revert`), a flagged grade confirmed as
parsed (`Judgement.confirm`), a missing judgement added (`Judgement.add_missing`) and an
inspection's details corrected (`Inspection.correct`), each with who, when and why. An action
names what it applies to by the SHA-256 of a source document (the judgement's own when the action
was taken first, then the inspection's other documents) and the judgement area or the inspection
fields, never by primary key, so it can be placed in a database built from the same documents.

`apply_actions(actions)` replays them in the order they were made, through the same model
methods, so each writes its history row and its `StaffAction` (dated when the import runs, after
the rebuild's own rows, so the history stays in order); a corrected grade keeps its own
`corrected_at`. The reason is kept word for word. An editor is matched by username; one without
an account here is recorded as no user with their username kept, and a corrected grade's
`correction_reason` names them ("[first made by alice, who has no account here]"). An action is
already applied when its object holds as many recorded actions of the same kind, reason and user
as the export holds before it: importing twice changes nothing, and nor does importing into the
database the export came from. What cannot be placed or applied is reported, never guessed.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.utils import timezone

from authorities.models import LocalAuthority

from .models import Judgement, SourceDocument, StaffAction

FORMAT = "ofsted-compare-staff-actions"
VERSION = 1

ADD_JUDGEMENT = StaffAction.Action.ADD_JUDGEMENT
CORRECT_GRADE = StaffAction.Action.CORRECT_GRADE
REVERT_GRADE = StaffAction.Action.REVERT_GRADE
CONFIRM_AS_PARSED = StaffAction.Action.CONFIRM_AS_PARSED
CORRECT_INSPECTION = StaffAction.Action.CORRECT_INSPECTION

DATE_FIELDS = ("start_date", "end_date", "published")

# Export


def export():
    """Every staff action as a JSON-able dict; and the actions that name no document (which no
    rebuild could place), as words."""
    actions, unplaceable = [], []
    places = _Places()
    for staff in StaffAction.objects.select_related("user").order_by("at", "id"):
        action = _exported(staff)
        documents = places.documents(staff.inspection_id, staff.source_document_id)
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


def _exported(staff):
    """A recorded staff action as the export writes it (without the documents it names)."""
    action = {
        "action": staff.action,
        "at": staff.at.isoformat(),
        "user": staff.editor or None,
        "reason": staff.reason,
    }
    if staff.action == CORRECT_INSPECTION:
        return {**action, "fields": staff.fields}
    action |= {"area": staff.area, "label": staff.label}
    if staff.action in (CORRECT_GRADE, ADD_JUDGEMENT):
        return {
            **action,
            "corrected_at": staff.corrected_at.isoformat(),
            "grade": staff.grade,
            "parsed_grade": staff.parsed_grade,
        }
    if staff.action == CONFIRM_AS_PARSED:
        return {**action, "grade": staff.grade, "review_reason": staff.review_reason}
    return {**action, "grade": staff.grade}


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
    """Recorded actions of `target` that this action would have recorded."""
    kind = action["action"]
    rows = StaffAction.objects.filter(action=kind, reason=action["reason"], user=user)
    if user is None:
        rows = rows.filter(username=action["user"] or "")
    if kind == ADD_JUDGEMENT:  # the inspection is the target; the judgement is new
        return rows.filter(inspection=target, area=action["area"], grade=action["grade"])
    if kind == CORRECT_INSPECTION:
        return rows.filter(inspection=target, fields=action["fields"])
    rows = rows.filter(judgement=target)
    if kind == CORRECT_GRADE:
        return rows.filter(grade=action["grade"])
    return rows


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
    # The editor's name, kept on the recorded action when they have no account here.
    by = {"user": user, "username": "" if user else action["user"] or ""}
    if kind in (ADD_JUDGEMENT, CORRECT_GRADE):
        if kind == ADD_JUDGEMENT:
            target = _add(action, target, **by)
        else:
            corrected_at = datetime.fromisoformat(action["corrected_at"])
            _not_corrected_here_later(target, corrected_at)
            target.correct(grade=action["grade"], reason=reason, at=corrected_at, **by)
        if user is None and action["user"]:
            _name_the_editor(target, action)
    elif kind == REVERT_GRADE:
        if not target.is_corrected:
            raise _Unneeded("the grade is not corrected here: nothing to revert")
        _not_corrected_here_later(target, datetime.fromisoformat(action["at"]))
        target.revert(reason=reason, **by)
    elif kind == CONFIRM_AS_PARSED:
        if not target.needs_review:
            raise _Unneeded("not flagged for review here: nothing to confirm")
        confirmed = set(action["review_reason"].splitlines())
        other = [r for r in target.review_reason.splitlines() if r not in confirmed]
        if other:
            raise _Skipped(f"flagged here for another reason, left for review: {other[0]}")
        target.confirm(reason=reason, **by)
    elif kind == CORRECT_INSPECTION:
        target.correct(reason=reason, **by, **_fields(action["fields"]))
    else:
        raise ValueError(f"unknown action {kind!r}")


def _name_the_editor(judgement, action):
    """An editor without an account here is named in the correction's own reason (in the
    judgement and in the history row just written); the history row's reason and the recorded
    action's stay the action's own, word for word."""
    noted = f"{action['reason']} [first made by {action['user']}, who has no account here]"
    Judgement.objects.filter(pk=judgement.pk).update(correction_reason=noted)
    latest = judgement.history.first()
    judgement.history.filter(history_id=latest.history_id).update(correction_reason=noted)


def _add(action, inspection, *, user, username):
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
            username=username,
            at=corrected_at,
        )
    if existing.grade == action["grade"]:
        raise _Unneeded(f"the documents now give it, as {existing.grade}")
    _not_corrected_here_later(existing, corrected_at)
    existing.correct(
        grade=action["grade"],
        reason=action["reason"],
        user=user,
        username=username,
        at=corrected_at,
    )
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
