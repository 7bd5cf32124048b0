"""Load Minhang's 14 streets and towns from disputes/data/minhang_streets.json."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "minhang_streets.json"


def load_streets(apps, schema_editor):
    Street = apps.get_model("disputes", "Street")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    for row in data["streets"]:
        Street.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "kind": row["kind"],
                "sort_order": row["sort_order"],
                "district": data["district"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("disputes", "0001_initial")]
    operations = [migrations.RunPython(load_streets, migrations.RunPython.noop)]
