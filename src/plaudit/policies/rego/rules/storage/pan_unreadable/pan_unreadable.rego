# METADATA
# title: Stored card numbers (PAN) are unreadable
# description: >-
#   PCI DSS requires the primary account number to be unreadable wherever it is stored: strong
#   encryption with key management, a keyed hash of the whole PAN, an index token or truncation.
#   An unkeyed or slow hash (kdf_hash), display masking and disk-level encryption (tde_only) do not
#   qualify.
#   Columns of views are not in scope: a view stores nothing.
# custom:
#   rule: PCI351-PAN-UNREADABLE
#   kind: unencrypted_sensitive
#   severity: critical
#   references:
#     - PCI DSS v4.0 3.5.1
#     - PCI DSS v4.0 3.5.1.1
#     - PCI DSS v4.0 3.5.1.2
#     - JR/T 0171-2020 6.1.3 (unverified)
#   remediation: >-
#     Replace the card number with a token from the card vault, keep only a truncated form (first 6 /
#     last 4 at most), store a keyed hash (HMAC) of the whole PAN for lookups, or encrypt the column with
#     a key managed outside the database; declare the method under `protection:` in the catalog.
package plaudit.rules.storage.pan_unreadable

import rego.v1

import data.plaudit.lib.facts.stored_columns

accepted := {"encrypted", "keyed_hash", "tokenized", "truncated"}

deny contains finding if {
	some column in stored_columns
	column.pci == "PAN"
	protection := object.get(column, "protection", "none")
	not protection in accepted

	finding := {
		"resource": column.resource,
		"location": object.get(column, "location", null),
		"message": sprintf(
			"Column %s stores card numbers (PAN) with protection '%s', which leaves them readable; tokenize, truncate, keyed-hash or encrypt the column and declare the method in the catalog.",
			[column.resource, protection],
		),
	}
}
