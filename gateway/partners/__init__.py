"""Partner profiles: loaded from ``partners/*.yaml``, checked, indexed, reloaded without restart."""

from gateway.partners.book import PartnerBook, PartnerDirectory
from gateway.partners.loading import FileReport, load_partner_file, load_partner_text, partner_files
from gateway.partners.profile import Channel, Identifiers, Partner, RetryPolicy

__all__ = [
    "Channel",
    "FileReport",
    "Identifiers",
    "Partner",
    "PartnerBook",
    "PartnerDirectory",
    "RetryPolicy",
    "load_partner_file",
    "load_partner_text",
    "partner_files",
]
