# METADATA
# title: Processing that triggers PIPL Art. 55 has a current impact assessment
# description: >-
#   A base table holding personal information needs a personal-information impact assessment (catalog
#   `pia: {id, date}`, on the table or for the whole file) when it holds sensitive personal information,
#   feeds automated decision-making (`automated_decision: true`, e.g. credit scoring), is provided to
#   another party (`sharing:`), or is stored outside the permitted regions. The assessment must also be
#   current: dated no longer ago than the review period (parameter `pia_review_period`, default 12m,
#   measured from the run's clock). Not judged here, for lack of facts: whether the assessment predates
#   the first production write, and whether its records are kept three years. Tables the catalog does
#   not describe are left to DSL21-CLASSIFY-COVERAGE: the catalog is where an assessment is recorded.
# custom:
#   rule: PIPL55-PIA-REQUIRED
#   kind: missing_purpose_or_basis
#   severity: high
#   references:
#     - PIPL Art. 55 (unverified)
#     - PIPL Art. 56 (unverified)
#   remediation: >-
#     Carry out (or review) the impact assessment for this processing before it goes on, and record it
#     in the catalog as `pia: {id: <assessment id>, date: <YYYY-MM-DD>}` on the table or the file.
#   title_zh: 触发《个人信息保护法》第五十五条的处理活动须有有效的个人信息保护影响评估
#   remediation_zh: "在继续处理前开展（或复核）个人信息保护影响评估，并在数据目录的表或文件级记录`pia: {id: <评估编号>, date: <YYYY-MM-DD>}`。"
package plaudit.rules.governance.pia_required

import rego.v1

import data.plaudit.lib.catalog
import data.plaudit.lib.duration
import data.plaudit.lib.facts
import data.plaudit.lib.facts.pi_tables
import data.plaudit.lib.params

review_period := params.value("pia_review_period", "12m")

review_days := duration.days(review_period)

deny contains finding if {
	some table in pi_tables
	is_object(table.catalog) # a table the catalog does not describe is DSL21-CLASSIFY-COVERAGE's finding
	reasons := triggers(table)
	count(reasons) > 0
	problem := problem_of(object.get(catalog.entry(table), "pia", null))

	finding := {
		"resource": table.resource,
		"location": location_of(table),
		"message": sprintf(
			"Table %s needs a personal-information impact assessment (%s) but %s.",
			[table.resource, concat(", ", sort(reasons)), problem],
		),
	}
}

triggers(table) := (sensitive(table) | automated(table)) | (shared(table) | abroad(table))

sensitive(table) := {"it holds sensitive personal information"} if {
	some column in catalog.columns_of(table)
	column.pipl_sensitive == true
} else := set()

automated(table) := {"it feeds automated decisions"} if {
	catalog.entry(table).automated_decision == true
} else := set()

shared(table) := {"it is provided to other parties"} if {
	count(catalog.sharing(table)) > 0
} else := set()

abroad(table) := {sprintf("it is stored in region '%s'", [region])} if {
	region := catalog.region(table)
	region in catalog.foreign_regions
} else := set()

problem_of(pia) := "the catalog records none; add `pia: {id, date}`" if {
	not facts.filled(pia, "id")
} else := sprintf(
	"its assessment %s dated %s is %d days old, beyond the review period of %v; review it",
	[pia.id, pia.date, duration.age_days(pia.date), review_period],
) if {
	duration.age_days(pia.date) > review_days
}

location_of(table) := catalog.entry(table).pia.location if {
	is_object(catalog.entry(table).pia.location)
} else := catalog.location_of(table)
