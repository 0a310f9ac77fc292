"""Grade editors read the import runs (with the files each refused) and the catalogue of Ofsted's
publications in the admin."""

from django.db import migrations

from inspections import grade_editors

CODENAMES = ["view_importrun", "view_importproblem", "view_publication", "view_cataloguecheck"]


def grant(apps, schema_editor):
    grade_editors.grant(apps, CODENAMES)


def revoke(apps, schema_editor):
    grade_editors.revoke(apps, CODENAMES)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("inspections", "0008_publications_catalogue"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
