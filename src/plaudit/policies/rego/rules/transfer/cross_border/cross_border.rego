# METADATA
# title: Personal information leaves mainland China only with a mechanism, separate consent and a PIA
# description: >-
#   A catalog `sharing:` entry whose recipient `region` is outside the permitted regions (see
#   PIPL40-JRT0171-LOCALISATION: parameters `permitted_regions` and `excluded_regions`) is a
#   cross-border provision of personal information. It needs a PIPL Art. 38 mechanism (`mechanism`:
#   cac_assessment, certification or standard_contract), the subject's separate consent
#   (`separate_consent_ref`) and an impact assessment (`pia_id`). Entries without a region, or whose
#   columns hold no personal information, are not judged. One finding per table.
# custom:
#   rule: PIPL38-CROSS-BORDER
#   kind: cross_border_transfer
#   severity: critical
#   references:
#     - PIPL Art. 38 (secondary source)
#     - PIPL Art. 39 (unverified)
#     - PIPL Art. 55(4) (unverified)
#     - DSL Art. 31 (unverified)
#   remediation: >-
#     Stop the transfer until it has a legal mechanism (CAC security assessment, certification, or a
#     filed standard contract), the subjects' separate consent and an impact assessment; record them
#     on the sharing entry as `mechanism`, `separate_consent_ref` and `pia_id`.
#   title_zh: 个人信息出境须具备合法机制、单独同意及影响评估
#   remediation_zh: "在具备合法出境机制（通过国家网信部门组织的安全评估、经专业机构认证或订立并备案标准合同）、取得个人单独同意并完成个人信息保护影响评估之前，\
#     暂停出境；并在 `sharing:` 条目中记录`mechanism`、`separate_consent_ref` 与 `pia_id`。"
package plaudit.rules.transfer.cross_border

import rego.v1

import data.plaudit.lib.catalog
import data.plaudit.lib.facts

required := ["mechanism", "separate_consent_ref", "pia_id"]

transfers contains transfer if {
	some table in shared_tables
	some share in catalog.sharing(table)
	is_object(share)
	is_string(share.region)
	not catalog.permitted(share.region)
	shared := [name |
		some name in catalog.array_of(object.get(table, "pi_columns", []))
		sends(share, name)
	]
	count(shared) > 0
	missing := [key | some key in required; not facts.filled(share, key)]
	count(missing) > 0

	transfer := {
		"table": table.resource,
		"text": sprintf("%v in %s receives %s without %s", [
			object.get(share, "recipient", "?"), share.region, facts.name_list(shared), concat(", ", missing),
		]),
		"location": object.get(share, "location", null),
	}
}

# object.get, not share.columns: Go OPA leaves `not is_array(x.missing)` undefined, not true.
sends(share, _) if not is_array(object.get(share, "columns", null))

sends(share, name) if {
	is_array(share.columns)
	lower(name) in {lower(c) | some c in share.columns; is_string(c)}
}

# shared_tables are the tables whose catalog entry declares outbound flows.
shared_tables := [table |
	some table in facts.tables
	is_array(table.catalog.sharing)
	count(table.catalog.sharing) > 0
]

deny contains finding if {
	some table in shared_tables
	found := [t | some t in transfers; t.table == table.resource]
	count(found) > 0
	located := [t.location | some t in found; is_object(t.location)]

	finding := {
		"resource": table.resource,
		"location": first_or(located, catalog.location_of(table)),
		"message": sprintf(
			"Table %s sends personal information outside mainland China: %s.",
			[table.resource, concat("; ", sort([t.text | some t in found]))],
		),
	}
}

first_or(list, fallback) := list[0] if count(list) > 0 else := fallback
