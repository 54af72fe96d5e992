"""A site from before fronts: the stories editors had ticked "Featured" become the home page's
pins, in their order, when the database is migrated; the tick box's columns then go."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from fronts import layout as layouts
from fronts.kinds import KINDS
from fronts.models import Front
from tests.factories import make_article, make_topic

BEFORE_FRONTS = [("articles", "0017_body_help"), ("fronts", None)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1]]).apps


@pytest.mark.django_db(transaction=True)
def test_featured_stories_become_the_home_fronts_pins_in_their_order():
    world = make_topic(name="World", slug="world")
    second = make_article(headline="Second pick", primary_topic=world)
    lead = make_article(headline="Chosen lead", publish_at=timezone.now() - timedelta(days=1))
    ordinary = make_article(headline="Not featured")
    old = _migrate(BEFORE_FRONTS)
    articles = old.get_model("articles", "Article").objects
    articles.filter(pk=lead.pk).update(is_featured=True, featured_order=1)
    articles.filter(pk=second.pk).update(is_featured=True, featured_order=2)

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    home = Front.objects.get(topic=None)
    blocks = layouts.from_json(home.arrangements.get().layout, kinds=KINDS)
    assert [b.kind for b in blocks[:2]] == ["lead", "top"]
    assert blocks[0].pins == (lead.pk,)
    assert blocks[1].pins == (second.pk, None, None, None)
    assert ordinary.pk not in layouts.pinned_ids(blocks)
    assert any(b.kind == "section" and b.topic == world.pk for b in blocks)
    assert "is_featured" not in {f.name for f in ordinary._meta.get_fields()}
