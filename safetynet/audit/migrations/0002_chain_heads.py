from django.db import migrations


def create_heads(apps, schema_editor):
    # Created up front so the first two writers never race to create the row they lock.
    ChainHead = apps.get_model("audit", "ChainHead")
    for name in ("audit", "access"):
        ChainHead.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(create_heads, migrations.RunPython.noop)]
