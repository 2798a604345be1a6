# METADATA
# title: Declared retention stays within the policy maximum
# description: >-
#   A retention period is itself a finding when it is longer than the organisation's maximum for the
#   data's purpose or category (the parameter `retention_max`: `{purposes: {marketing: 1y, ...},
#   categories: {contact.phone: 3y, ...}}`; category maxima cover child categories). The tightest
#   maximum that applies to a base table (through its declared purposes and its personal columns'
#   categories) is the limit, raised to the table's `legal_floor` when a law requires keeping the
#   records longer. Defaults (policy, not law): marketing 1y, rejected_application 2y. Tables without a
#   declared period are left to PIPL19-RETENTION-DECLARED.
# custom:
#   rule: PIPL19-RETENTION-MAXIMUM
#   kind: retention_exceeded
#   severity: high
#   references:
#     - PIPL Art. 19
#     - GB/T 35273-2020 6.1 a (unverified)
#     - GDPR Art. 5(1)(e)
#   remediation: >-
#     Shorten the table's `retention.period` to the maximum for its purposes and categories (or split the
#     data whose purpose needs longer); if a law requires the longer period, declare it as
#     `legal_floor`.
#   title_zh: 声明的保存期限不得超过策略规定的上限
#   remediation_zh: "将该表的 `retention.period` 缩短至其处理目的与信息类别所对应的上限（或将确需更长期限的数据拆分存放）\
#     ；如法律法规要求更长的保存期限，请以 `legal_floor` 声明。"
package plaudit.rules.lifecycle.retention_maximum

import rego.v1

import data.plaudit.lib.catalog
import data.plaudit.lib.duration
import data.plaudit.lib.facts
import data.plaudit.lib.facts.pi_tables
import data.plaudit.lib.params

default_max := {"purposes": {"marketing": "1y", "rejected_application": "2y"}, "categories": {}}

configured := m if {
	m := params.value("retention_max", default_max)
	is_object(m)
} else := default_max

purpose_max := m if {
	m := configured.purposes
	is_object(m)
} else := {}

category_max := m if {
	m := configured.categories
	is_object(m)
} else := {}

# limits are the maxima that apply to a table, as [seconds, text] pairs.
limits(table) := {[seconds, sprintf("%v for purpose %s", [period, purpose])] |
	some purpose in catalog.array_of(object.get(catalog.entry(table), "purposes", []))
	is_string(purpose)
	period := purpose_max[lower(trim_space(purpose))]
	seconds := duration.seconds(period)
} | {[seconds, sprintf("%v for category %s", [period, key])] |
	some column in catalog.columns_of(table)
	is_string(column.category)
	some key, period in category_max
	facts.in_category(column.category, key)
	seconds := duration.seconds(period)
}

deny contains finding if {
	some table in pi_tables
	retention := catalog.retention(table)
	declared := duration.seconds(retention.period)
	applying := limits(table)
	count(applying) > 0
	tightest := min({l[0] | some l in applying})
	declared > max({tightest, legal_floor(retention)})
	named := sort({l[1] | some l in applying; l[0] == tightest})

	finding := {
		"resource": table.resource,
		"location": catalog.location_of(table),
		"message": sprintf(
			"Table %s declares a retention of %v, longer than the policy maximum of %s; shorten it (or declare the legal_floor that requires it).",
			[table.resource, retention.period, concat(", ", named)],
		),
	}
}

legal_floor(retention) := seconds if {
	seconds := duration.seconds(retention.legal_floor)
} else := 0
