# METADATA
# title: Column classes match the data actually present
# description: >-
#   A column with no personal-information category (unclassified, reviewed as non-personal, or tagged
#   with a C1 category) where at least `drift_min_rate` (default 0.05) of sampled non-empty values pass
#   a checksum detector: resident ID (MOD 11-2 with birth date) or card number (Luhn + IIN). The tag is
#   below what the data shows, so no C2 control applies to it. Evidence: data checks `detectors`.
# custom:
#   rule: JRT0171-CLASS-DRIFT
#   kind: untagged_pii
#   severity: high
#   references:
#     - JR/T 0171-2020 4.2 (unverified)
#     - DSL Art. 21
#     - PIPL Art. 51(2)
#   remediation: >-
#     Give the column its real category in the catalog (identity.national_id, account.bank_card) so that
#     the storage, display and retention rules apply, then protect it; if the values are test data or
#     not personal, clean them up or record a waiver with the reason.
#   title_zh: 字段的分级须与实际数据相符
#   remediation_zh: "在数据目录中为该字段标注其真实类别（如 identity.national_id、account.bank_card）\
#     ，使存储、展示和保存期限等规则得以适用，并对其采取保护措施；如为测试数据或非个人信息，请清理数据或登记附理由的豁免。"
package plaudit.rules.data.class_drift

import rego.v1

import data.plaudit.lib.data as sampled
import data.plaudit.lib.facts
import data.plaudit.lib.params

checksum_detectors := {"resident_id": "identity.national_id", "bank_card": "account.bank_card"}

deny contains finding if {
	some check in sampled.results("detectors")
	column := sampled.column_of(check)
	below_c2(column)
	hits := [sprintf("%s %s (%s)", [sampled.percent(rate), detector, category]) |
		some detector, category in checksum_detectors
		rate := object.get(check, ["details", detector, "rate"], 0)
		is_number(rate)
		rate >= min_rate
	]
	count(hits) > 0

	finding := {
		"resource": check.resource,
		"location": object.get(column, "location", null),
		"message": sprintf(
			"Column %s is classified as %v but %s of %d sampled values pass the checksum (e.g. %v); classify it accordingly.",
			[check.resource, object.get(column, "category", null), concat(" and ", hits), check.sampled, exemplar(check)],
		),
	}
}

min_rate := params.value("drift_min_rate", 0.05)

# below_c2: no category, or a category whose class is C1.
below_c2(column) if not is_string(object.get(column, "category", null))

below_c2(column) if {
	is_string(column.category)
	sampled.level(column) == "C1"
}

exemplar(check) := e if {
	e := check.details.masked_exemplar
	is_string(e)
} else := "no exemplar kept"
