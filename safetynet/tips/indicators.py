"""Phone and vehicle numbers in what reporters write: found, normalised, hashed.

Reporters type numbers every way ("+91 98300-12345", "09830012345", "wb 02 ab 1234");
normalising first is what lets two tips about the same car or phone meet.
"""

from __future__ import annotations

import re

# Indian registration plates: state, district number, series letters, number (WB 02 AB 1234).
VEHICLE = re.compile(r"\b([A-Z]{2})[\s-]?(\d{1,2})[\s-]?([A-Z]{0,3})[\s-]?(\d{4})\b", re.IGNORECASE)
# Runs of digits with the separators people use; 10 to 13 digits make a phone number.
PHONE = re.compile(r"(?<![\w])(\+?\d[\d\s-]{8,16}\d)(?![\w])")


def normalise_phone(text: str) -> str:
    """The last ten digits: what India, Bangladesh (without the leading 0) and Nepal mobile
    numbers share once country codes and trunk prefixes (+91, 0091, +880, 0, +977) go."""
    digits = re.sub(r"\D", "", text)
    return digits[-10:] if len(digits) >= 10 else ""


def normalise_vehicle(text: str) -> str:
    match = VEHICLE.search(text.upper())
    if not match:
        return ""
    state, district, series, number = match.groups()
    return f"{state}{int(district):02d}{series}{number}"


def split_values(text: str) -> list[str]:
    """A field where people list several numbers, one per line or separated by commas."""
    return [part.strip() for part in re.split(r"[,;\n]+", text or "") if part.strip()]


def phones_in(text: str) -> list[str]:
    found = []
    for candidate in PHONE.findall(text or ""):
        number = normalise_phone(candidate)
        if number and len(re.sub(r"\D", "", candidate)) <= 13 and number not in found:
            found.append(number)
    return found


def vehicles_in(text: str) -> list[str]:
    found = []
    for match in VEHICLE.finditer((text or "").upper()):
        plate = normalise_vehicle(match.group(0))
        if plate and plate not in found:
            found.append(plate)
    return found
