from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("collab", "0001_sessions"),
    ]

    operations = [
        migrations.AddField(
            model_name="collabsession",
            name="ended_at",
            field=models.DateTimeField(
                blank=True, help_text="When the episode ended and waited for its score.", null=True
            ),
        ),
    ]
