# METADATA
# title: Encryption names a strong algorithm and a managed key kept apart from the data
# description: >-
#   An encrypted C2, C3 or card-number column must declare (catalog `protection`) a strong algorithm
#   and a `key_ref` to a key held elsewhere (KMS, HSM). Broken or reversible methods (DES, 3DES, RC2,
#   RC4, ECB mode, base64, MD5, SHA-1) are findings, and so is a declared encryption without key_ref.
#   A column that looks like key material (dek, kek, aes_key, sm4_key, secret_key, encrypt_key, data_key;
#   not their ids, refs or versions) in the same database as encrypted personal data is a finding on
#   that column: the key sits beside the ciphertext. Only what the catalog declares is judged for
#   algorithms; columns of views are not in scope.
# custom:
#   rule: CRYPTO-ALG-AND-KEY-SEPARATION
#   kind: weak_protection
#   severity: high
#   references:
#     - PCI DSS v4.0 3.6.1
#     - GB/T 22239-2019 L3 数据保密性
#     - GB/T 39786-2021 (unverified)
#   remediation: >-
#     Re-encrypt with an approved algorithm in an authenticated mode (SM4-GCM, AES-256-GCM), keep the
#     data keys in a KMS or HSM (wrapped by a key-encrypting key stored apart), declare `algorithm` and
#     `key_ref` under `protection:` in the catalog, and drop key columns from the business database.
#   title_zh: 加密须采用强算法并使用与数据分离管理的密钥
#   remediation_zh: "改用经批准的算法及认证加密模式（如 SM4-GCM、AES-256-GCM）重新加密；数据密钥存放于 KMS 或 HSM，\
#     并由分开保存的密钥加密密钥保护；在数据目录的 `protection:` 中声明 `algorithm` 与 `key_ref`，\
#     并将密钥字段从业务数据库中移除。"
package plaudit.rules.storage.crypto_key_separation

import rego.v1

import data.plaudit.lib.data as sampled
import data.plaudit.lib.facts
import data.plaudit.lib.facts.stored_columns

weak_algorithm := `(?i)(^|[^a-z0-9])(des|3des|tdes|tripledes|desede|rc2|rc4|arc4|ecb|base64|md5|sha-?1)([^a-z0-9]|$)`

key_name := `(?i)(^|_)(dek|kek|aes_?key|sm4_?key|secret_?key|encrypt(ion)?_?key|enc_?key|data_?key)(_|$)`

# Names that describe a key rather than hold it: kek_id, dek_version, encrypt_key_ref ...
key_reference := `(?i)_(id|ids|ref|refs|version|ver|alias|name|no|hash|digest|fingerprint|status|type|at|time|date)$`

sensitive(column) if sampled.level(column) in {"C2", "C3"}

sensitive(column) if sampled.pan(column)

# encrypted_data are the stored sensitive columns whose protection is encryption.
encrypted_data := [column |
	some column in stored_columns
	column.protection == "encrypted"
	sensitive(column)
]

deny contains finding if {
	some column in encrypted_data
	declared := object.get(column, ["catalog", "protection"], null)
	is_object(declared)
	problems := algorithm_problem(declared) | key_problem(declared)
	count(problems) > 0

	finding := {
		"resource": column.resource,
		"location": object.get(column, "location", null),
		"message": sprintf(
			"Encrypted column %s (%v) %s; use an approved algorithm (SM4-GCM, AES-256-GCM) with a KMS key named by key_ref.",
			[column.resource, object.get(column, "category", null), concat(" and ", sort(problems))],
		),
	}
}

algorithm_problem(declared) := {sprintf("declares the weak or reversible algorithm '%s'", [declared.algorithm])} if {
	is_string(declared.algorithm)
	regex.match(weak_algorithm, declared.algorithm)
} else := set()

key_problem(declared) := set() if facts.filled(declared, "key_ref") else := {"declares no key_ref"}

deny contains finding if {
	count(encrypted_data) > 0
	some column in stored_columns
	is_string(column.column)
	maybe_key(lower(column.column))
	regex.match(key_name, column.column)
	not regex.match(key_reference, column.column)
	protected := [c.resource | some c in encrypted_data]

	finding := {
		"resource": column.resource,
		"location": object.get(column, "location", null),
		"message": sprintf(
			"Column %s looks like key material stored in the same database as the data it may protect (%s); keep keys in a KMS or HSM, never beside the ciphertext.",
			[column.resource, facts.name_list(protected)],
		),
	}
}

# maybe_key is a cheap test every key-like name passes: the engines compile a regex on every call,
# and this rule would otherwise run one on every column of the scan.
maybe_key(name) if contains(name, "key")

maybe_key(name) if contains(name, "dek")

maybe_key(name) if contains(name, "kek")
