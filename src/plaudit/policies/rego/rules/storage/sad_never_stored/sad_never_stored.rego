# METADATA
# title: Sensitive authentication data is never stored
# description: >-
#   Card verification codes (CVV2/CVC2/CVN2), full track data and PINs or PIN blocks must not be kept
#   after authorisation by a non-issuer, not even encrypted. Applies to the auth.card_verification
#   category, its children, and any category the taxonomy marks as PCI SAD.
#   Columns of views are not in scope: a view stores nothing.
# custom:
#   rule: PCI331-SAD-NEVER-STORED
#   kind: prohibited_storage
#   severity: critical
#   references:
#     - PCI DSS v4.0 3.3.1
#     - PCI DSS v4.0 3.3.1.1
#     - PCI DSS v4.0 3.3.1.2
#     - PCI DSS v4.0 3.3.1.3
#     - JR/T 0171-2020 6.1.3 (unverified)
#   remediation: >-
#     Drop the column and purge existing values (including backups, logs and staging copies); pass the
#     data straight to the authorising party and keep only the authorisation result.
#   title_zh: 敏感鉴别数据一律不得存储
#   remediation_zh: "删除该字段并清除存量数据（包括备份、日志及临时副本）；将相关数据直接传递给授权方，仅保存授权结果。"
package plaudit.rules.storage.sad_never_stored

import rego.v1

import data.plaudit.lib.facts.sad_categories
import data.plaudit.lib.facts.stored_columns

# Two bodies rather than one `is_sad` call per column: a set lookup is far cheaper per column, and a
# column matched by both yields the same finding once (deny is a set).
deny contains finding(column) if {
	some column in stored_columns
	column.category in sad_categories
}

deny contains finding(column) if {
	some column in stored_columns
	column.pci == "SAD"
}

finding(column) := {
	"resource": column.resource,
	"location": object.get(column, "location", null),
	"message": sprintf(
		"Column %s stores sensitive authentication data (%v), which must never be stored, even encrypted (protection '%s'); drop the column and purge its values.",
		[column.resource, column.category, object.get(column, "protection", "none")],
	),
}
