# METADATA
# title: Biometric data is protected and stored apart from identity data
# description: >-
#   Face, fingerprint, voiceprint and iris samples or templates (category auth.biometric and its
#   children; parameter `biometric_categories` adds others, e.g. media.photo where KYC photos feed face
#   recognition) must be stored protected, and in a store separate from the person's name and
#   identity-document numbers, so that one leak does not hand over both. Critical when the biometric
#   column has no protection (raw samples in clear), high when it only shares a table with a name or
#   an ID number. One finding per biometric column; views are not in scope.
# custom:
#   rule: GBT35273-63-BIOMETRIC
#   kind: weak_protection
#   severity: high
#   references:
#     - GB/T 35273-2020 6.3 b, c (secondary source)
#     - PIPL Art. 28
#     - PIPL Art. 29 (secondary source)
#     - JR/T 0171-2020 C3 (secondary source)
#   remediation: >-
#     Keep only encrypted templates or digests (delete raw images after enrolment), move them to a
#     separate table or store keyed by a pseudonymous id, and declare the protection in the catalog.
#   title_zh: 生物识别信息须加密保护并与身份信息分开存储
#   remediation_zh: "原则上不存储原始生物识别样本或图像（注册完成后删除原始图像），仅保存加密的特征模板或摘要；将其迁移至独立的表或存储中，\
#     以去标识化的标识符关联，不与姓名、证件号码同表存放，并在数据目录中声明保护方式。"
package plaudit.rules.storage.biometric_separate

import rego.v1

import data.plaudit.lib.catalog
import data.plaudit.lib.facts
import data.plaudit.lib.facts.stored_columns
import data.plaudit.lib.params

biometric_keys := keys if {
	keys := params.value("biometric_categories", ["auth.biometric"])
	is_array(keys)
} else := ["auth.biometric"]

biometric := facts.tree({key | some key in biometric_keys})

identity := facts.tree({"identity.name", "identity.national_id", "identity.passport"})

deny contains finding if {
	some column in stored_columns
	column.category in biometric
	protection := object.get(column, "protection", "none")
	neighbours := identity_neighbours(column)
	problems := raw_problem(protection) | neighbours_problem(neighbours)
	count(problems) > 0
	raw := protection in unprotected

	finding := {
		"resource": column.resource,
		"location": object.get(column, "location", null),
		"severity": severity(raw),
		"kind": kind(raw),
		"message": sprintf(
			"Biometric column %s (%s) %s; keep only encrypted templates, in a store apart from identity data.",
			[column.resource, column.category, concat(" and ", sort(problems))],
		),
	}
}

unprotected := {"none", "masked"}

raw_problem(protection) := {sprintf("is stored with protection '%s'", [protection])} if {
	protection in unprotected
} else := set()

identity_neighbours(column) := [other.column |
	some other in catalog.columns_of(catalog.table_of(column))
	other.category in identity
]

neighbours_problem(names) := {sprintf("shares its table with identity columns (%s)", [facts.name_list(names)])} if {
	count(names) > 0
} else := set()

severity(true) := "critical"

severity(false) := "high"

kind(true) := "unencrypted_sensitive"

kind(false) := "weak_protection"
