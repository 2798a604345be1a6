# METADATA
# title: No plaintext index or UNIQUE constraint on C3 data
# description: >-
#   An index (a UNIQUE constraint and a primary key are indexes too) keeps a second, sorted copy of its
#   key columns. On C3 authentication data (passwords, PINs, card verification codes, biometric
#   templates) or a card number that is not stored encrypted, tokenized or hashed, that copy is
#   plaintext, survives in index pages and backups, and a UNIQUE constraint turns the table into an
#   oracle ("is this password taken?"). Judged on the index statements of scanned SQL (CREATE INDEX,
#   UNIQUE / KEY / PRIMARY KEY in CREATE or ALTER TABLE), including functional indexes over the column.
# custom:
#   rule: JRT0171-STORE-C3-INDEX
#   kind: unencrypted_sensitive
#   severity: high
#   references:
#     - JR/T 0171-2020 6.1.3 (unverified)
#     - GB/T 22239-2019 L3 数据保密性 b
#     - PCI DSS v4.0 3.5.1
#   remediation: >-
#     Drop the index or constraint; if lookups are needed, index a keyed hash (HMAC) or a deterministic
#     token of the value in a separate column instead, and declare the column's `protection:` in the
#     catalog.
#   title_zh: 不得对明文 C3 类信息建立索引或唯一约束
#   remediation_zh: >-
#     删除该索引或约束；确需按值查找的，另建字段存放该值的带密钥哈希（HMAC）或确定性令牌并对其建索引，
#     并在数据目录中声明该字段的 `protection:`。
package plaudit.rules.storage.c3_index

import rego.v1

import data.plaudit.lib.facts

protected := {"encrypted", "kdf_hash", "keyed_hash", "tokenized", "truncated"}

# (column, index) of every index on an unprotected C3 or PAN column; one finding per column below,
# at its UNIQUE index when it has one (a column is often both keyed and indexed).
indexed contains [column, op] if {
	some op in facts.operations
	op.op == "index"
	some column in op.columns
	in_scope(column)
	not column.protection in protected
}

deny contains finding if {
	some resource in {column.resource | some [column, _] in indexed}
	on := [[column, op] | some [column, op] in indexed; column.resource == resource]
	[column, op] := chosen(on)
	finding := {
		"resource": column.resource,
		"location": object.get(op, "location", null),
		"message": sprintf(
			"%s on %s (%s, %s) keeps its values in clear in the index (protection '%s'); index a keyed hash or token instead.",
			[kind_of(op), column.resource, column.category, level_of(column), column.protection],
		),
	}
}

chosen(on) := uniques[0] if {
	uniques := [pair | some pair in on; pair[1].unique == true]
	count(uniques) > 0
} else := on[0]

in_scope(column) if column.level == "C3"

in_scope(column) if column.pci == "PAN"

kind_of(op) := "A UNIQUE index or constraint" if {
	op.unique == true
} else := "An index"

level_of(column) := "PAN" if {
	column.pci == "PAN"
	column.level != "C3"
} else := column.level
