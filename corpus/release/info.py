"""Descriptive release metadata shared by the card and Croissant: names, license, citation, RAI fields."""
from __future__ import annotations

from typing import Any

from corpus.release.card import LICENSE_URLS

DESCRIPTION = ("Web pages labelled as SEO spam (mass-produced posts that sell through a contact handle) or "
               "benign, with the spam family, the template campaign and the contact handles of each page; "
               "labels resolved from human annotations, split so that no campaign, handle or site is shared "
               "between train, validation and test.")
OTHER_LICENSE = ("The texts are third-party web pages collected by a crawler for research on web spam; their "
                 "authors keep whatever rights they hold, and use of the texts rests on the text-and-data-"
                 "mining rules that apply to the user. The labels, campaign ids, splits and other metadata "
                 "added by this project are released under CC BY 4.0.")


def release_info(config, stats: dict[str, Any]) -> dict[str, Any]:
    pretty = config.pretty_name or config.name
    year = stats["date"][:4]
    key = "".join(c if c.isalnum() else "_" for c in f"{config.name}_{config.version}")
    citation = (f"@misc{{{key},\n  title = {{{pretty}, version {config.version}}},\n  year = {{{year}}},\n"
                f"  note = {{spamcorpus release {config.name} {config.version} of {stats['date']}}}\n}}")
    license_text = (OTHER_LICENSE if config.license == "other" else
                    f"Released under `{config.license}`. The texts are third-party web pages; their authors "
                    "keep whatever rights they hold.")
    langs = [lang for lang in stats["languages"] if lang != "und"]
    return {
        "name": config.name,
        "pretty_name": pretty,
        "version": config.version,
        "date": stats["date"],
        "description": config.description or DESCRIPTION,
        "license": config.license,
        "license_url": LICENSE_URLS.get(config.license, "LICENSE.md"),
        "license_text": license_text,
        "citation": citation,
        "languages": sorted(langs) or ["und"],
        "keywords": ["web spam", "SEO spam", "trust and safety", "text classification", "campaigns"],
        "homepage": config.homepage,
        "contact": config.contact,
        "rai": {
            "dataCollection": "Scrapy crawl jobs over public web pages (robots.txt obeyed); main text and "
                              "contact handles extracted per page.",
            "dataCollectionType": "Web Scraping",
            "dataAnnotationProtocol": "Label Studio: verdict (spam, benign, borderline), spam family, spans "
                                      "over contacts, brands and calls to action; majority over annotators, "
                                      "ties to borderline or adjudication (see README.md).",
            "dataAnnotationPlatform": "Label Studio",
            "annotationsPerItem": f"{stats['agreement']['documents_by_annotator_count']}",
            "machineAnnotationTools": "spamcorpus's learned spam detector (silver rows and pre-annotations; "
                                      "its version per row in detector_version); label propagation within "
                                      "template campaigns",
            "dataBiases": "Crawl seeds and detector-guided link following decide which spam is found; "
                          "language and campaign sizes are skewed (see README.md).",
            "dataUseCases": "Training and evaluating web-spam and spam-family classifiers; campaign studies.",
            "personalSensitiveInformation": "Annotators are pseudonymous and not included; contact handles "
                                            "are advertisers' public advertisements.",
        },
    }
