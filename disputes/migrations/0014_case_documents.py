import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0013_forecast_counts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("mediation_agreement", "调解协议书"),
                            ("acceptance_notice", "受理通知书"),
                            ("hearing_notice", "开庭通知书"),
                            ("award_cover", "裁决书封面"),
                        ],
                        max_length=30,
                        verbose_name="文书类型",
                    ),
                ),
                ("version", models.PositiveIntegerField(verbose_name="版本")),
                ("file_name", models.CharField(editable=False, max_length=120, unique=True, verbose_name="文件名")),
                ("sha256", models.CharField(editable=False, max_length=64, verbose_name="SHA-256 校验值")),
                ("size", models.PositiveIntegerField(editable=False, verbose_name="文件大小（字节）")),
                (
                    "generated_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="生成时间"),
                ),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="documents",
                        to="disputes.case",
                        verbose_name="案件",
                    ),
                ),
                (
                    "generated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="生成人",
                    ),
                ),
            ],
            options={
                "verbose_name": "案件文书",
                "verbose_name_plural": "案件文书",
                "ordering": ["case", "kind", "-version"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("kind__in", ["mediation_agreement", "acceptance_notice", "hearing_notice", "award_cover"])
                        ),
                        name="case_document_kind_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("version__gte", 1)), name="case_document_version_positive"
                    ),
                    models.UniqueConstraint(fields=("case", "kind", "version"), name="case_document_version_unique"),
                ],
            },
        ),
    ]
