"""Drafts written before sentence-level provenance get their sentences, with
no sources: the review page shows each one as resting on no idea or comment,
and publishing such a draft credits nobody. Their draft-level sources listed
every idea of the prompt, used or not, so they go too, except on drafts
already published, whose sources are the record of who was thanked."""

from django.db import migrations

from generation import provenance

# The origins of generation.models.DraftSentence.Origin as of this migration.
MODEL = "model"
EDITED = "edited"
PUBLISHED = "published"
# Drafts handled per round: bounded memory and query size on any database.
BATCH = 500


def split_older_drafts(apps, schema_editor):
    Draft = apps.get_model("generation", "Draft")
    DraftSentence = apps.get_model("generation", "DraftSentence")
    DraftSource = apps.get_model("generation", "DraftSource")
    finding = provenance.no_source_finding()
    older = list(Draft.objects.filter(sentences__isnull=True).values_list("pk", flat=True))
    for start in range(0, len(older), BATCH):
        ids = older[start : start + BATCH]
        DraftSentence.objects.bulk_create(
            DraftSentence(
                draft_id=pk,
                position=position,
                text=sentence,
                # Version 1 is the model's text; a later one a reviewer's edit of it.
                origin=MODEL if version == 1 else EDITED,
                findings=[dict(finding)],
            )
            for pk, version, text in Draft.objects.filter(pk__in=ids).values_list("pk", "version", "text")
            for position, sentence in enumerate(provenance.split_sentences(text))
        )
        DraftSource.objects.filter(draft_id__in=ids).exclude(draft__status=PUBLISHED).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("generation", "0003_draft_sentences"),
    ]

    operations = [
        # Going back leaves the sentences: 0003 going back drops them with their table.
        migrations.RunPython(split_older_drafts, migrations.RunPython.noop),
    ]
