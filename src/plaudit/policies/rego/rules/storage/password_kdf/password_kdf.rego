# METADATA
# title: Passwords are stored only as slow salted hashes
# description: >-
#   Login, transaction, payment and query passwords (auth.password) must be stored as salted, slow
#   one-way hashes (bcrypt, scrypt, argon2, PBKDF2, SM3-based KDF): protection kdf_hash. A password in
#   clear, or behind disk encryption only (tde_only), is prohibited storage (critical); a reversible or
#   fast form (encrypted, tokenized, keyed_hash, masked, truncated) is weak protection (high).
#   Columns of views are not in scope: a view stores nothing.
#   Sampled data (data checks `password_format`) also counts: on a column declared kdf_hash, values in
#   an unsalted fast-hash form (32/40/64 hex: MD5, SHA-1, SHA-256) are weak protection (high), values in
#   no hash format at all read as plaintext passwords (prohibited storage, critical).
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
#   title_zh: 密码仅能以加盐慢哈希形式存储
#   remediation_zh: "仅存储加盐的慢哈希值（bcrypt、scrypt、argon2id、PBKDF2 或基于 SM3 的密钥派生函数）\
#     ，在用户下次登录时重新哈希存量数据或强制重置密码，删除可逆存储的字段，并在数据目录中声明 `protection: {method: kdf_hash}`。"
package plaudit.rules.storage.password_kdf

import rego.v1

import data.plaudit.lib.data as sampled
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

# Data findings only for columns the declaration rules above leave alone, so each column yields one
# finding (a violation's fingerprint is its rule and resource).
declared_flagged contains column.resource if {
	some column in stored_columns
	column.category in scope
	object.get(column, "protection", "none") != "kdf_hash"
}

deny contains finding if {
	some check in sampled.results("password_format")
	not check.resource in declared_flagged
	plain := sampled.detail(check, "plaintext_like")
	plain > 0

	finding := {
		"resource": check.resource,
		"location": object.get(sampled.column_of(check), "location", null),
		"kind": "prohibited_storage",
		"severity": "critical",
		"message": sprintf(
			"Column %s holds %d of %d sampled passwords in no hash format (plaintext-like)%s; store only a salted slow hash (bcrypt, scrypt, argon2id, PBKDF2).",
			[check.resource, plain, check.sampled, fast_note(check)],
		),
	}
}

deny contains finding if {
	some check in sampled.results("password_format")
	not check.resource in declared_flagged
	sampled.detail(check, "plaintext_like") == 0
	fast := sampled.detail(check, "unsalted_fast_hash")
	fast > 0

	finding := {
		"resource": check.resource,
		"location": object.get(sampled.column_of(check), "location", null),
		"kind": "weak_protection",
		"severity": "high",
		"message": sprintf(
			"Column %s holds %d of %d sampled passwords as unsalted fast hashes (hex MD5/SHA-1/SHA-256); re-hash them with a salted slow hash (bcrypt, scrypt, argon2id, PBKDF2) at next login.",
			[check.resource, fast, check.sampled],
		),
	}
}

fast_note(check) := sprintf(" and %d as unsalted fast hashes", [n]) if {
	n := sampled.detail(check, "unsalted_fast_hash")
	n > 0
} else := ""
