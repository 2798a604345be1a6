# METADATA
# title: Every outbound flow of personal information has a basis and an agreement
# description: >-
#   Personal information provided to another party (the catalog's table-level `sharing:` entries:
#   partner APIs, SFTP drops, collection agencies, partner database roles) needs an agreement
#   (`agreement_id`: the entrustment contract of PIPL Art. 21, or the data-sharing agreement), and,
#   when the recipient is a controller of its own (`relationship: controller` or `joint_controller`),
#   the subject's separate consent (`separate_consent_ref`, PIPL Art. 23). A sharing entry that does
#   not say which relationship it is cannot be judged and is a finding too. C3 data is in principle
#   never shared: a shared C3 column makes the finding critical. Entries whose columns hold no personal
#   information are ignored. One finding per table, naming each recipient.
# custom:
#   rule: PIPL23-SHARING-BASIS
#   kind: missing_purpose_or_basis
#   severity: high
#   references:
#     - PIPL Art. 21 (secondary source)
#     - PIPL Art. 23 (secondary source)
#     - JR/T 0171-2020 (C3 not shared; secondary source)
#     - GB/T 35273-2020 9.1, 9.2 (unverified)
#   remediation: >-
#     Record for each recipient under `sharing:` the `relationship` (entrusted or controller), the
#     `agreement_id` of the signed agreement and, for a controller, the `separate_consent_ref` of the
#     consent record; stop sending C3 data (send verification results or tokens instead).
#   title_zh: 对外提供个人信息须有合法依据与协议
#   remediation_zh: "在 `sharing:` 中为每个接收方记录 `relationship`（受托处理或独立个人信息处理者）\
#     、已签署协议的 `agreement_id`，向其他个人信息处理者提供的，还须记录单独同意凭证 `separate_consent_ref`；\
#     停止对外提供 C3 类信息（改为提供验证结果或令牌）。"
package plaudit.rules.transfer.sharing_basis

import rego.v1

import data.plaudit.lib.catalog
import data.plaudit.lib.data as sampled
import data.plaudit.lib.facts

controllers := {"controller", "joint_controller"}

# problems are the (table, recipient) pairs whose sharing entry lacks something.
problems contains problem if {
	some table in shared_tables
	some share in catalog.sharing(table)
	is_object(share)
	shared := shared_pi(table, share)
	count(shared) > 0
	c3 := [c.column | some c in shared; sampled.level(c) == "C3"]
	missing := missing_of(share) | c3_problem(c3)
	count(missing) > 0

	problem := {
		"table": table.resource,
		"text": sprintf("%v (%s): %s", [
			object.get(share, "recipient", "?"),
			facts.name_list([c.column | some c in shared]),
			concat(", ", sort(missing)),
		]),
		"critical": count(c3) > 0,
		"location": object.get(share, "location", null),
	}
}

# shared_pi are the personal-information columns an entry sends: those it names, else all of them.
shared_pi(table, share) := [column |
	some column in catalog.columns_of(table)
	column.column in catalog.array_of(object.get(table, "pi_columns", []))
	sends(share, column.column)
]

# object.get, not share.columns: Go OPA leaves `not is_array(x.missing)` undefined, not true.
sends(share, _) if not is_array(object.get(share, "columns", null))

sends(share, name) if {
	is_array(share.columns)
	lower(name) in {lower(c) | some c in share.columns; is_string(c)}
}

missing_of(share) := (agreement_missing(share) | relationship_missing(share)) | consent_missing(share)

agreement_missing(share) := set() if facts.filled(share, "agreement_id") else := {"no agreement_id"}

relationship_missing(share) := set() if {
	facts.filled(share, "relationship")
} else := {"no relationship (entrusted or controller)"}

consent_missing(share) := {"no separate_consent_ref for a controller"} if {
	share.relationship in controllers
	not facts.filled(share, "separate_consent_ref")
} else := set()

c3_problem(names) := {sprintf("C3 data shared (%s)", [facts.name_list(names)])} if count(names) > 0 else := set()

# shared_tables are the tables whose catalog entry declares outbound flows.
shared_tables := [table |
	some table in facts.tables
	is_array(table.catalog.sharing)
	count(table.catalog.sharing) > 0
]

deny contains finding if {
	some table in shared_tables
	found := [p | some p in problems; p.table == table.resource]
	count(found) > 0
	located := [p.location | some p in found; is_object(p.location)]

	finding := {
		"resource": table.resource,
		"location": first_or(located, catalog.location_of(table)),
		"severity": severity(found),
		"message": sprintf(
			"Table %s provides personal information to other parties without a complete basis: %s.",
			[table.resource, concat("; ", sort([p.text | some p in found]))],
		),
	}
}

severity(found) := "critical" if {
	some p in found
	p.critical
} else := "high"

first_or(list, fallback) := list[0] if count(list) > 0 else := fallback
