from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_assistant_kinds"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("idea_published", "Your idea was published"),
                    ("idea_declined", "Your idea was declined"),
                    ("idea_adopted", "Your idea shaped a published text"),
                    ("new_comment", "New comment on your idea"),
                    ("new_reply", "New reply to your comment"),
                    ("content_hidden", "Your post was hidden"),
                    ("campaign_published", "A campaign you took part in published its text"),
                    ("assistant_handover", "A shopper's conversation was handed to your team"),
                    ("assistant_reply", "A person replied to your question"),
                    ("webhook_disabled", "A webhook endpoint of your brand was disabled"),
                ],
                max_length=32,
            ),
        ),
    ]
