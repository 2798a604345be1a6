package plaudit.rules.governance.pia_required_test

import rego.v1

import data.plaudit.rules.governance.pia_required

now := {"now": "2026-11-25T16:00:00Z"}

facts_of(catalog, sensitive) := {
	"run": now,
	"tables": [{
		"resource": "lending.public.customer", "kind": "table", "location": {"path": "V1.sql", "line": 1},
		"columns": ["c"], "pi_columns": ["c"], "catalog": catalog,
	}],
	"columns": [{"resource": "lending.public.customer.c", "column": "c", "category": "x", "pipl_sensitive": sensitive}],
}

test_sensitive_table_without_pia_is_denied if {
	findings := pia_required.deny with input as facts_of({}, true)
	count(findings) == 1
	some f in findings
	contains(f.message, "sensitive personal information")
	contains(f.message, "records none")
}

test_each_trigger_counts if {
	count(pia_required.deny) == 1 with input as facts_of({"automated_decision": true}, false)
	count(pia_required.deny) == 1 with input as facts_of({"sharing": [{"recipient": "x"}]}, false)
	count(pia_required.deny) == 1 with input as facts_of({"region": "us-east-1"}, false)
}

test_tables_outside_the_catalog_are_left_to_the_coverage_rule if {
	count(pia_required.deny) == 0 with input as facts_of(null, true)
}

test_nothing_triggers if {
	count(pia_required.deny) == 0 with input as facts_of({"region": "cn-north-1", "sharing": []}, false)
	count(pia_required.deny) == 0 with input as facts_of(null, false)
}

test_current_pia_is_allowed if {
	count(pia_required.deny) == 0 with input as facts_of({"pia": {"id": "PIA-1", "date": "2026-03-01"}}, true)
}

test_stale_pia_is_denied_at_its_line if {
	findings := pia_required.deny with input as facts_of({"pia": {"id": "PIA-1", "date": "2025-03-01", "location": {"path": "c.yaml", "line": 4}}}, true)
	count(findings) == 1
	some f in findings
	contains(f.message, "PIA-1 dated 2025-03-01 is 634 days old")
	f.location.line == 4
}

test_review_period_is_a_parameter if {
	count(pia_required.deny) == 1 with input as facts_of({"pia": {"id": "PIA-1", "date": "2026-03-01"}}, true)
		with data.plaudit.params as {"pia_review_period": "6m"}
}

test_age_not_judged_without_a_clock if {
	count(pia_required.deny) == 0 with input as object.remove(facts_of({"pia": {"id": "PIA-1", "date": "2020-01-01"}}, true), ["run"])
}

test_views_are_not_in_scope if {
	doc := facts_of({}, true)
	count(pia_required.deny) == 0 with input as object.union(doc, {"tables": [object.union(doc.tables[0], {"kind": "view"})]})
}
