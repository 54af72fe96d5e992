"""Where articles and authors use a library picture, for the picture's desk page (and its
refusal to be deleted while in use)."""

from django.db.models import Q
from django.urls import reverse

from articles.models import Article, Author
from pictures.usage import Use, in_body


def uses(picture_id: int) -> list[Use]:
    found = []
    articles = Article.objects.filter(
        Q(hero_image=picture_id)
        | Q(social_image=picture_id)
        | Q(body__contains=in_body(picture_id))
    ).only("headline", "hero_image", "social_image", "body")
    for article in articles.order_by("-updated_at")[:200]:
        url = reverse("admin:articles_article_change", args=[article.pk])
        if article.hero_image_id == picture_id:
            found.append(Use("Lead picture", article.headline, url))
        if article.social_image_id == picture_id:
            found.append(Use("Social picture", article.headline, url))
        if in_body(picture_id) in article.body:
            found.append(Use("In the story", article.headline, url))
    for author in Author.objects.filter(photo=picture_id).only("name"):
        url = reverse("admin:articles_author_change", args=[author.pk])
        found.append(Use("Author's photo", author.name, url))
    return found
