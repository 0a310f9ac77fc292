"""The "Grade editors" group: staff in it correct grades and inspection metadata in the admin.

Permissions are normally created after migrate (post_migrate), so on a fresh database they do not
exist yet; they are created here with the names Django would give them, and Django then finds them.
"""

from django.db import migrations

GROUP = "Grade editors"
PERMISSIONS = {
    # (model, verbose name): actions
    ("judgement", "judgement"): ["view", "change"],
    ("inspection", "inspection"): ["view", "change"],
    ("sourcedocument", "source document"): ["view"],
}


def create_group(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for (model, verbose_name), actions in PERMISSIONS.items():
        content_type, _ = ContentType.objects.get_or_create(app_label="inspections", model=model)
        for action in actions:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {verbose_name}"},
            )
            group.permissions.add(permission)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("inspections", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
