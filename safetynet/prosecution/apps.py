from django.apps import AppConfig


class ProsecutionConfig(AppConfig):
    name = "safetynet.prosecution"
    label = "prosecution"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from safetynet.people.signals import identity_changed, party_added

        from . import services

        def suspect_added(*, party, actor, **kwargs):
            # A new suspect: index their phones and names, and tell the owners of cases this
            # actor cannot see if one of their suspects shares any (services.check_on_file).
            if party.role == "suspect":
                services.index_suspect(party.person)
                services.check_on_file(actor=actor, party=party)

        def identity_edited(*, person, actor, **kwargs):
            from safetynet.cases.models import CaseParty

            suspect = CaseParty.objects.filter(person=person, role="suspect").select_related("case").first()
            if suspect is not None:
                services.index_suspect(person)
                services.check_on_file(actor=actor, party=suspect)

        party_added.connect(suspect_added, weak=False, dispatch_uid="prosecution-suspect-added")
        identity_changed.connect(identity_edited, weak=False, dispatch_uid="prosecution-identity-changed")
