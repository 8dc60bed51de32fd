"""Contact extraction: every mention of a handle, number, id, e-mail, promoted site or call-to-action link, in normal form."""
from corpus.contacts.kinds import Contact, is_placeholder, merge_contacts
from corpus.contacts.links import CONTACT_SCHEMES, classify_url, contacts_from_links
from corpus.contacts.normalise import normalize_text
from corpus.contacts.scan import find_contacts, scan
from corpus.contacts.values import normalize_value

__all__ = ["CONTACT_SCHEMES", "Contact", "classify_url", "contacts_from_links", "find_contacts", "is_placeholder",
           "merge_contacts", "normalize_text", "normalize_value", "scan"]
