"""The "Grade editors" group: staff in it correct grades and inspection metadata, place unplaced
documents, and read the import runs and the catalogue in the admin.

`grant(apps, codenames)` gives the group the named permissions, creating the group if it is
missing. Migrations call it with their historical apps; tests call it with `django.apps.apps` to
make the group again after a transactional test has emptied the tables. It imports no models, so
that migrations may import it.
"""

GROUP = "Grade editors"

# codename: (model, the name Django gives the permission)
PERMISSIONS = {
    # 0002: correcting grades and inspection metadata
    "view_judgement": ("judgement", "Can view judgement"),
    "change_judgement": ("judgement", "Can change judgement"),
    "view_inspection": ("inspection", "Can view inspection"),
    "change_inspection": ("inspection", "Can change inspection"),
    "view_sourcedocument": ("sourcedocument", "Can view source document"),
    # 0009: reading the import runs and the catalogue of Ofsted's publications
    "view_importrun": ("importrun", "Can view import run"),
    "view_importproblem": ("importproblem", "Can view import problem"),
    "view_publication": ("publication", "Can view publication"),
    "view_cataloguecheck": ("cataloguecheck", "Can view catalogue check"),
    # 0010: placing unplaced documents
    "place_sourcedocument": ("sourcedocument", "Can place an unplaced document"),
}


def grant(apps, codenames=tuple(PERMISSIONS)):
    """Give the group the named permissions (all of them by default) and return it.

    Permissions are normally created after migrate (post_migrate), so on a fresh database they do
    not exist yet when a migration runs; they are created here as Django would name them, and
    Django then finds them.
    """
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=GROUP)
    for codename in codenames:
        model, name = PERMISSIONS[codename]
        content_type, _ = ContentType.objects.get_or_create(app_label="inspections", model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        group.permissions.add(permission)
    return group


def revoke(apps, codenames):
    """Take the named permissions from the group, if it exists."""
    group = apps.get_model("auth", "Group").objects.filter(name=GROUP).first()
    if group:
        group.permissions.remove(
            *group.permissions.filter(content_type__app_label="inspections", codename__in=codenames)
        )
