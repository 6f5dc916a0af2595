"""HTCDS 2.0 picklists (IOM, CC BY 4.0; ../shared/data/htcds/), by their system names.

The codes are HTCDS's own value names, so an export maps one to one; ``test_htcds`` reads the
standard's XLSForm and fails if a code here is not in it. Two things HTCDS 2.0 does not
define, and what we use instead:

- the recruiter's relation to the survivor: CTDC's ``IP_Relation`` codes (the CTDC dataset
  is built from HTCDS data; ../shared/data/ctdc/SOURCE.md);
- time in exploitation: months, as a number (CTDC bands it for publication; we keep the count).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TraffickingStatus(models.TextChoices):
    POSSIBLE = "PossibleVictimOfTrafficking", _("Possible victim of trafficking")
    ACTUAL = "ActualVictimOfTrafficking", _("Actual victim of trafficking")
    NOT_A_VICTIM = "NotAVictimOfTrafficking", _("Not a victim of trafficking")


METHODS_OF_CONTROL = [
    ("PhysicalThreats", _("Physical threats")),
    ("ThreatsLawEnforcement", _("Threats of law enforcement")),
    ("ThreatensChildrenFamily", _("Threatens children/family")),
    ("DebtBondage", _("Debt bondage")),
    ("FalsePromises", _("False promises")),
    ("PhysicalAbuse", _("Physical abuse")),
    ("SexualAbuse", _("Sexual abuse")),
    ("TakesEarnings", _("Takes earnings")),
    ("RestrictsFinancialAccess", _("Restricts financial access")),
    ("RestrictsMedicalCare", _("Restricts medical care")),
    ("WithholdsNecessities", _("Withholds necessities")),
    ("PsychologicalAbuse", _("Psychological abuse")),
    ("PsychoactiveSubstance", _("Psychoactive substance")),
    ("ExcessiveWorkingHours", _("Excessive working hours")),
    ("WithholdsDocuments", _("Withholds documents")),
    ("Other", _("Other")),
]

TYPES_OF_EXPLOITATION = [
    ("ForcedLabour", _("Forced labour")),
    ("SexualExploitation", _("Sexual exploitation")),
    ("ChildLabour", _("Child labour")),
    ("ForcedMarriage", _("Forced marriage")),
    ("Servitude", _("Servitude")),
    ("ForcedMilitaryByNonStateActors", _("Forced military (by non-state actors)")),
    ("OrganRemoval", _("Organ removal")),
    ("ForcedBegging", _("Forced begging")),
    ("ForcedAdoption", _("Forced adoption")),
    ("Surrogacy", _("Surrogacy")),
    ("Other", _("Other")),
]

LABOUR_INDUSTRIES = [
    ("A_AgricultureForestryAndFishing", _("Agriculture, forestry and fishing")),
    ("B_MiningAndQuarrying", _("Mining and quarrying")),
    ("C_Manufacturing", _("Manufacturing")),
    ("F_Construction", _("Construction")),
    ("G_WholesaleAndRetailTradeRepairOfMotorVehicles", _("Wholesale and retail trade; repair of motor vehicles")),
    ("H_TransportationAndStorage", _("Transportation and storage")),
    ("I_AccommodationAndFoodServiceActivities", _("Accommodation and food service activities")),
    ("R_ArtsEntertainmentAndRecreation", _("Arts, entertainment and recreation")),
    ("S_OtherServiceActivities", _("Other service activities")),
    ("T_ActivitiesOfHouseholdsAsEmployers", _("Households as employers (domestic work)")),
]

RECRUITMENT_METHODS = [
    ("AtAPlaceOfBusiness", _("At a place of business")),
    ("AtAnEducationalInstitution", _("At an educational institution")),
    ("AtWork", _("At work")),
    ("ThroughOnlineSocialNetworks", _("Through online social networks")),
    ("ThroughAnOnlineAdvertisement", _("Through an online advertisement")),
    ("ThroughATelevisionAdvert", _("Through a television advert")),
    ("ThroughANewspaperAdvert", _("Through a newspaper advert")),
    ("ThroughFamilyOrFamilyEvents", _("Through family or family events")),
    ("ThroughFriendsOrSocialEvents", _("Through friends or social events")),
    ("Other", _("Other")),
]


class RecruiterRelation(models.TextChoices):
    """CTDC ``IP_Relation``."""

    UNKNOWN = "", _("Not known")
    STRANGER = "StrangerUnknownOther", _("Stranger, unknown or other")
    FRIEND = "FriendAcquaintance", _("Friend or acquaintance")
    FAMILY = "FamilyIntimatePartner", _("Family member or intimate partner")


# field name on Survivor -> (HTCDS field, XLSForm list name, choices)
MULTI_FIELDS = {
    "methods_of_control": ("vic_Methods_of_Control", "methodsofcontrol", METHODS_OF_CONTROL),
    "exploitation_types": ("vic_TypeOfExploitation", "typeofexploitation", TYPES_OF_EXPLOITATION),
    "labour_industries": ("vic_ForcedLabourIndustry", "forcedlabourindustry", LABOUR_INDUSTRIES),
    "recruitment_methods": ("vic_MethodOfRecruitment", "methodofrecruitment", RECRUITMENT_METHODS),
}


def labels(field: str, codes: list[str]) -> list[str]:
    names = dict(MULTI_FIELDS[field][2])
    return [str(names.get(c, c)) for c in codes]
