"""Load the table of offences (data/law_sections.csv; see data/SOURCE.md)."""

from django.db import migrations


def load(apps, schema_editor):
    from safetynet.prosecution.reference import load_law_sections

    load_law_sections(apps.get_model("prosecution", "LawSection"))


class Migration(migrations.Migration):
    dependencies = [("prosecution", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
