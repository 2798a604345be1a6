# METADATA
# title: Card numbers and C3 data are not protected by disk or database encryption alone
# description: >-
#   Transparent data encryption (TDE), disk or partition encryption is undone for every session that
#   reads the table, so it does not make card numbers unreadable where they are stored. A PAN column,
#   and by policy extension any C3 column, whose only protection is `tde_only` needs a field-level
#   mechanism too. Columns of views are not in scope: a view stores nothing.
# custom:
#   rule: PCI3512-NO-TDE-ONLY
#   kind: weak_protection
#   severity: high
#   references:
#     - PCI DSS v4.0 3.5.1.2
#   remediation: >-
#     Keep TDE, but add field-level protection: encrypt the column with a KMS-managed key, tokenize it or
#     store a keyed hash (HMAC) of it, and declare the method under `protection:` in the catalog.
#   title_zh: 卡号及 C3 类信息不得仅依赖磁盘或数据库透明加密
#   remediation_zh: "保留透明数据加密（TDE），但须增加字段级保护：使用 KMS 托管密钥对该字段加密存储、进行令牌化（标记化）\
#     或存储其带密钥哈希（HMAC），并在数据目录的 `protection:` 中声明所用方式。"
package plaudit.rules.storage.no_tde_only

import rego.v1

import data.plaudit.lib.data as sampled
import data.plaudit.lib.facts.stored_columns

deny contains finding if {
	some column in stored_columns
	column.protection == "tde_only"
	what := scope(column)

	finding := {
		"resource": column.resource,
		"location": object.get(column, "location", null),
		"message": sprintf(
			"Column %s holds %s and is protected only by TDE / disk encryption, which any reading session sees through; add field-level encryption, tokenization or a keyed hash.",
			[column.resource, what],
		),
	}
}

scope(column) := "card numbers (PCI PAN)" if {
	sampled.pan(column)
} else := sprintf("C3 data (%v)", [object.get(column, "category", null)]) if {
	sampled.level(column) == "C3"
}
