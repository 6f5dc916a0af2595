from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "safetynet.matching"
    label = "matching"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db import transaction

        from safetynet.people.signals import party_added

        def victim_added(*, party, actor, **kwargs):
            # A victim of a police case may be traced (the investigation is the legal basis):
            # look for open missing-person reports at once, after the registration commits.
            if party.role == "victim":
                from . import services

                transaction.on_commit(lambda: services.match_one(services.Found(party.person, "investigation")))

        party_added.connect(victim_added, weak=False, dispatch_uid="matching-victim-added")
