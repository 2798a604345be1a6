package plaudit.rules.transfer.cross_border_test

import rego.v1

import data.plaudit.rules.transfer.cross_border

facts_of(sharing) := {"tables": [{
	"resource": "lending.public.customer", "kind": "table", "location": null,
	"pi_columns": ["mobile", "id_no"], "columns": ["id", "mobile", "id_no"],
	"catalog": {"sharing": sharing, "location": {"path": "catalog/lending.yaml", "line": 3}},
}]}

complete := {
	"recipient": "group-risk-sg", "region": "ap-southeast-1", "mechanism": "standard_contract",
	"separate_consent_ref": "consent:xborder-v2", "pia_id": "PIA-2026-04",
	"location": {"path": "catalog/lending.yaml", "line": 20},
}

test_complete_transfer_is_allowed if {
	count(cross_border.deny) == 0 with input as facts_of([complete])
}

test_each_missing_element_is_denied if {
	every key in ["mechanism", "separate_consent_ref", "pia_id"] {
		findings := cross_border.deny with input as facts_of([object.remove(complete, [key])])
		count(findings) == 1
		some f in findings
		contains(f.message, key)
		f.location.line == 20
	}
}

test_domestic_recipient_is_not_a_transfer if {
	count(cross_border.deny) == 0 with input as facts_of([{"recipient": "bureau", "region": "cn-north-1"}])
}

test_hong_kong_recipient_is_a_transfer if {
	count(cross_border.deny) == 1 with input as facts_of([{"recipient": "hk-branch", "region": "cn-hongkong"}])
}

test_no_region_or_no_pi_is_not_judged if {
	count(cross_border.deny) == 0 with input as facts_of([{"recipient": "x"}])
	count(cross_border.deny) == 0 with input as facts_of([{"recipient": "x", "region": "us-east-1", "columns": ["id"]}])
}

test_named_columns_match_case_insensitively if {
	findings := cross_border.deny with input as facts_of([{"recipient": "x", "region": "us-east-1", "columns": ["MOBILE"]}])
	count(findings) == 1
	some f in findings
	contains(f.message, "receives mobile without")
}
