"""Grade editors read the import runs (with the files each refused) and the catalogue of Ofsted's
publications in the admin. As in 0002, the permissions are created here with the names Django
would give them, since on a fresh database post_migrate has not made them yet."""

from django.db import migrations

GROUP = "Grade editors"
VIEW = {
    # model: verbose name
    "importrun": "import run",
    "importproblem": "import problem",
    "publication": "publication",
    "cataloguecheck": "catalogue check",
}


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for model, verbose_name in VIEW.items():
        content_type, _ = ContentType.objects.get_or_create(app_label="inspections", model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"view_{model}",
            defaults={"name": f"Can view {verbose_name}"},
        )
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=GROUP).first()
    if group:
        group.permissions.remove(
            *group.permissions.filter(
                content_type__app_label="inspections",
                codename__in=[f"view_{model}" for model in VIEW],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("inspections", "0008_publications_catalogue"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
