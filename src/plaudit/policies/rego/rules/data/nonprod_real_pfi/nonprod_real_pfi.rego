# METADATA
# title: Non-production stores hold no real personal financial information
# description: >-
#   Development, test, UAT and staging databases (catalog zone `nonprod`) hold synthetic or
#   de-identified data only. A sampled column of such a table where more than the parameter
#   `nonprod_max_rate` (default 0.01, i.e. 1%) of the values pass the resident-ID check (MOD 11-2 with a
#   valid birth date) or the card-number check (Luhn with a known IIN) is a finding: random or
#   hand-made test data rarely passes a checksum. Evidence: data checks `detectors` (counts and rates
#   only). Synthetic generators that emit checksum-valid numbers are caught too: waive such a column
#   with the generator named as the reason. Columns of tables the catalog places in no zone, or in
#   another zone, are not judged.
# custom:
#   rule: NONPROD-NO-REAL-PFI
#   kind: prohibited_storage
#   severity: high
#   references:
#     - JR/T 0171-2020 (de-identified test data; unverified)
#     - PCI DSS v4.0 6.5.5 (unverified)
#     - PIPL Art. 51
#   remediation: >-
#     Replace the data with synthetic values, or de-identify the copy (mask, tokenize or keyed-hash the
#     identifiers) in the pipeline that fills the non-production store, and purge what was copied.
#   title_zh: 非生产环境不得存放真实个人金融信息
#   remediation_zh: "以合成数据替换，或在向非生产环境导入数据的流程中先行去标识化（屏蔽、令牌化或带密钥哈希处理标识符），\
#     并清除已复制的真实数据。"
package plaudit.rules.data.nonprod_real_pfi

import rego.v1

import data.plaudit.lib.catalog
import data.plaudit.lib.data as sampled
import data.plaudit.lib.params

max_rate := params.value("nonprod_max_rate", 0.01)

real_detectors := {"resident_id": "resident ID numbers", "bank_card": "card numbers"}

deny contains finding if {
	some check in sampled.results("detectors")
	column := sampled.column_of(check)
	catalog.zone(catalog.table_of(column)) == "nonprod"
	hits := [sprintf("%s of %d sampled values are valid %s", [sampled.percent(rate), check.sampled, what]) |
		some detector, what in real_detectors
		rate := object.get(check, ["details", detector, "rate"], 0)
		is_number(rate)
		rate > max_rate
	]
	count(hits) > 0

	finding := {
		"resource": check.resource,
		"location": object.get(column, "location", null),
		"message": sprintf(
			"Column %s of a non-production table holds real-looking personal financial information: %s (e.g. %v); use synthetic or de-identified data.",
			[check.resource, concat(" and ", hits), exemplar(check)],
		),
	}
}

exemplar(check) := e if {
	e := check.details.masked_exemplar
	is_string(e)
} else := "no exemplar kept"
