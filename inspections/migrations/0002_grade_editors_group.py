"""The "Grade editors" group: staff in it correct grades and inspection metadata in the admin."""

from django.db import migrations

from inspections import grade_editors

CODENAMES = [
    "view_judgement",
    "change_judgement",
    "view_inspection",
    "change_inspection",
    "view_sourcedocument",
]


def create_group(apps, schema_editor):
    grade_editors.grant(apps, CODENAMES)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=grade_editors.GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("inspections", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
