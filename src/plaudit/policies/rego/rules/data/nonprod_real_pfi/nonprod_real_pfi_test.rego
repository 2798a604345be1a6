package plaudit.rules.data.nonprod_real_pfi_test

import rego.v1

import data.plaudit.rules.data.nonprod_real_pfi

facts_of(zone, details) := {
	"tables": [{"resource": "uat.public.customer", "kind": "table", "columns": ["id_no"], "catalog": {"zone": zone}}],
	"columns": [{"resource": "uat.public.customer.id_no", "column": "id_no", "location": {"path": "db", "line": null}}],
	"data_checks": [{"check": "detectors", "resource": "uat.public.customer.id_no", "sampled": 1000, "error": null, "details": details}],
}

test_real_id_numbers_in_nonprod_are_denied if {
	findings := nonprod_real_pfi.deny with input as facts_of("nonprod", {"resident_id": {"matched": 830, "rate": 0.83}, "masked_exemplar": "110***********002X"})
	count(findings) == 1
	some f in findings
	contains(f.message, "83% of 1000")
	contains(f.message, "110***********002X")
	not contains(f.message, "11010519491231002X")
}

test_card_numbers_above_one_percent_are_denied if {
	count(nonprod_real_pfi.deny) == 1 with input as facts_of("nonprod", {"bank_card": {"matched": 20, "rate": 0.02}})
}

test_rates_at_or_below_threshold_are_allowed if {
	count(nonprod_real_pfi.deny) == 0 with input as facts_of("nonprod", {"bank_card": {"matched": 10, "rate": 0.01}})
	count(nonprod_real_pfi.deny) == 0 with input as facts_of("nonprod", {"mobile": {"matched": 900, "rate": 0.9}})
	count(nonprod_real_pfi.deny) == 0 with input as facts_of("nonprod", {})
}

test_threshold_is_a_parameter if {
	count(nonprod_real_pfi.deny) == 0 with input as facts_of("nonprod", {"bank_card": {"matched": 20, "rate": 0.02}})
		with data.plaudit.params as {"nonprod_max_rate": 0.05}
}

test_production_zones_are_not_in_scope if {
	count(nonprod_real_pfi.deny) == 0 with input as facts_of("secure", {"resident_id": {"matched": 830, "rate": 0.83}})
	count(nonprod_real_pfi.deny) == 0 with input as facts_of(null, {"resident_id": {"matched": 830, "rate": 0.83}})
}

test_failed_checks_prove_nothing if {
	doc := facts_of("nonprod", {"resident_id": {"matched": 830, "rate": 0.83}})
	count(nonprod_real_pfi.deny) == 0 with input as object.union(doc, {"data_checks": [object.union(doc.data_checks[0], {"error": "timeout"})]})
}
