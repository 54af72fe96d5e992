"""The desk's admin pages tell readers' pages what changed."""


class TellsReaders:
    """A desk's save or delete tells readers' pages what happened (`told`): the models' own
    save sends nothing. Said once the related objects are saved too; for a delete, just
    before, while what it showed can still be read (pages are purged once it commits)."""

    def told(self, obj) -> None:
        raise NotImplementedError

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.told(form.instance)

    def delete_model(self, request, obj):
        self.told(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.told(obj)
        super().delete_queryset(request, queryset)
