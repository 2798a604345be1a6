# METADATA
# title: Passwords are stored only as slow salted hashes
# description: >-
#   Login, transaction, payment and query passwords (auth.password) must be stored as salted, slow
#   one-way hashes (bcrypt, scrypt, argon2, PBKDF2, SM3-based KDF): protection kdf_hash. A password in
#   clear, or behind disk encryption only (tde_only), is prohibited storage (critical); a reversible or
#   fast form (encrypted, tokenized, keyed_hash, masked, truncated) is weak protection (high).
#   Columns of views are not in scope: a view stores nothing.
# custom:
#   rule: STORE-AUTH-SECRET-KDF
#   kind: prohibited_storage
#   severity: critical
#   references:
#     - GB/T 22239-2019 L3 数据保密性 b
#     - JR/T 0171-2020 6.1.3 (unverified)
#     - CWE-256
#     - CWE-916
#   remediation: >-
#     Store only a salted, slow hash of the password (bcrypt, scrypt, argon2id, PBKDF2 or an SM3-based
#     KDF), re-hash existing values at next login or force a reset, drop the reversible column, and
#     declare `protection: {method: kdf_hash}` in the catalog.
package plaudit.rules.storage.password_kdf

import rego.v1

import data.plaudit.lib.facts
import data.plaudit.lib.facts.stored_columns

# Both leave the password readable to anyone who can query the table.
cleartext := {"none", "tde_only"}

scope := facts.tree({"auth.password"})

deny contains finding if {
	some column in stored_columns
	column.category in scope
	protection := object.get(column, "protection", "none")
	protection in cleartext

	finding := {
		"resource": column.resource,
		"location": object.get(column, "location", null),
		"kind": "prohibited_storage",
		"severity": "critical",
		"message": sprintf(
			"Column %s stores passwords in clear (protection '%s'); store only a salted slow hash (bcrypt, scrypt, argon2id, PBKDF2) and declare kdf_hash in the catalog.",
			[column.resource, protection],
		),
	}
}

deny contains finding if {
	some column in stored_columns
	column.category in scope
	protection := object.get(column, "protection", "none")
	not protection in cleartext
	protection != "kdf_hash"

	finding := {
		"resource": column.resource,
		"location": object.get(column, "location", null),
		"kind": "weak_protection",
		"severity": "high",
		"message": sprintf(
			"Column %s stores passwords with protection '%s', which is reversible or fast to brute-force; store only a salted slow hash (bcrypt, scrypt, argon2id, PBKDF2) and declare kdf_hash in the catalog.",
			[column.resource, protection],
		),
	}
}
