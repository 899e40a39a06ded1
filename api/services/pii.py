"""Scrub personal data from text before it is stored anywhere.

Replaced with placeholders: e-mail addresses, CPR numbers (with and without a dash), phone numbers
(Danish 8-digit in any spacing, +45/0045, and other international numbers), URLs that carry query
strings or long tokens, and street addresses in Danish and English forms.
"""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# CPR: DDMMYY-XXXX or DDMMYYXXXX with a plausible day and month.
_CPR = re.compile(r"(?<!\d)(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d{2}[ -]?\d{4}(?!\d)")
_URL_WITH_TOKEN = re.compile(r"\b(?:https?://|www\.)\S*?(?:[?#]\S+|/[A-Za-z0-9_-]{16,}\S*)", re.IGNORECASE)
# International: + or 00, country code, then 6-14 digits with optional spaces, dots or dashes.
_PHONE_INTL = re.compile(r"(?<![\w+])(?:\+|00)\d{1,3}(?:[ .-]?\d){6,12}(?!\d)")
# Danish: 8 digits, grouped as 8, 4+4, 2+2+2+2 or 2+3+3, not part of a longer number.
_PHONE_DK = re.compile(
    r"(?<![\d+])(?:\d{8}|\d{4}[ .-]\d{4}|\d{2}[ .-]\d{2}[ .-]\d{2}[ .-]\d{2}|\d{2}[ .-]\d{3}[ .-]\d{3})(?![\d])"
)
_STREET_DA = re.compile(
    r"\b[A-ZÆØÅ][a-zæøåé]*(?:[ -][A-ZÆØÅ]?[a-zæøåé]+)*"  # [a-z]*: "Åboulevard" is Å + boulevard
    r"(?:vej|gade|allé|alle|plads|vænget|stræde|boulevard|torv|parken|have|bakken|høj)(?:en|et|n|t)?"  # Strandvejen
    r"\s+\d{1,4}[A-Za-z]?(?:,?\s*\d{1,2}\.?\s*(?:th|tv|mf|sal)?\.?)?",
    re.UNICODE,
)
_STREET_EN = re.compile(
    r"\b\d{1,5}\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Way|Close|Court)\b\.?"
)

PLACEHOLDERS = {
    "email": "[email]",
    "cpr": "[cpr]",
    "url": "[link]",
    "phone": "[telefon]",
    "address": "[adresse]",
}


def scrub(text: str) -> str:
    """Return the text with personal data replaced by placeholders such as `[telefon]`."""
    text = _EMAIL.sub(PLACEHOLDERS["email"], text)
    text = _URL_WITH_TOKEN.sub(PLACEHOLDERS["url"], text)
    text = _CPR.sub(PLACEHOLDERS["cpr"], text)
    text = _PHONE_INTL.sub(PLACEHOLDERS["phone"], text)
    text = _PHONE_DK.sub(PLACEHOLDERS["phone"], text)
    text = _STREET_DA.sub(PLACEHOLDERS["address"], text)
    text = _STREET_EN.sub(PLACEHOLDERS["address"], text)
    return text
