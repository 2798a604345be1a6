package plaudit.rules.data.class_drift_test

import rego.v1

import data.plaudit.rules.data.class_drift

column(category, level) := {"resource": "d.s.customer.ext2", "category": category, "level": level, "location": null}

check(detector, rate) := {
	"check": "detectors", "resource": "d.s.customer.ext2", "sampled": 100, "matched": round(rate * 100), "error": null,
	"details": {detector: {"matched": round(rate * 100), "rate": rate}, "masked_exemplar": "110***********002X"},
}

findings(columns, c) := fs if {
	fs := class_drift.deny with input as {"columns": columns, "data_checks": [c]}
}

test_unclassified_column_full_of_ids_drifts if {
	fs := findings([column(null, null)], check("resident_id", 1))
	count(fs) == 1
	some f in fs
	contains(f.message, "100% resident_id (identity.national_id)")
	contains(f.message, "110***********002X")
}

test_rate_boundary_is_inclusive if {
	count(findings([column(null, null)], check("bank_card", 0.05))) == 1
	count(findings([column(null, null)], check("bank_card", 0.04))) == 0
}

test_threshold_is_a_parameter if {
	count(class_drift.deny) == 0 with input as {"columns": [column(null, null)], "data_checks": [check("resident_id", 0.1)]}
		with data.plaudit.params as {"drift_min_rate": 0.2}
}

test_c1_tag_drifts_but_c2_tag_does_not if {
	count(findings([column("network.ip_address", "C1")], check("resident_id", 0.5))) == 1
	count(findings([column("identity.national_id", "C2")], check("resident_id", 0.5))) == 0
}

test_mobile_hits_are_not_checksum_evidence if {
	count(findings([column(null, null)], check("mobile", 0.9))) == 0
}
