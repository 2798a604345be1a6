# METADATA
# title: C3 data is stored with cryptographic protection
# description: >-
#   User-authentication data (JR/T 0171 class C3) must be encrypted, tokenized or hashed where it is
#   stored. Card verification data is left to PCI331-SAD-NEVER-STORED, which forbids storing it at all.
#   tde_only does not count: disk encryption leaves the column readable to every database user.
#   Columns of views are not in scope: a view stores nothing.
# custom:
#   rule: JRT0171-STORE-C3-ENC
#   kind: unencrypted_sensitive
#   severity: critical
#   references:
#     - JR/T 0171-2020 6.1.3 (unverified)
#     - GB/T 22239-2019 L3 数据保密性 b
#     - PIPL Art. 51(3)
#     - GB/T 35273-2020 6.3 a
#   remediation: >-
#     Protect the column at field level: encrypt it (e.g. SM4-GCM or AES-256-GCM with a key in a KMS),
#     tokenize it, or store only a one-way hash (kdf_hash for secrets that are verified, keyed_hash for
#     lookups); then declare the method under `protection:` in the catalog.
#   title_zh: C3 类信息须采用密码技术加密存储
#   remediation_zh: "对该字段实施字段级保护：加密存储（如 SM4-GCM 或 AES-256-GCM，密钥由 KMS 管理）\
#     、令牌化，或仅存储单向哈希（用于校验的口令类信息使用 kdf_hash，用于查询的使用 keyed_hash）\
#     ；并在数据目录的 `protection:` 中声明所用方式。"
package plaudit.rules.storage.c3_encrypted

import rego.v1

import data.plaudit.lib.facts.sad_categories
import data.plaudit.lib.facts.stored_columns

accepted := {"encrypted", "kdf_hash", "keyed_hash", "tokenized"}

deny contains finding if {
	some column in stored_columns
	column.level == "C3"
	not column.category in sad_categories
	not column.pci == "SAD"
	protection := object.get(column, "protection", "none")
	not protection in accepted

	finding := {
		"resource": column.resource,
		"location": object.get(column, "location", null),
		"message": sprintf(
			"Column %s holds C3 data (%v) with protection '%s'; encrypt, tokenize or hash it (encrypted, tokenized, kdf_hash or keyed_hash) and declare the method in the catalog.",
			[column.resource, column.category, protection],
		),
	}
}
