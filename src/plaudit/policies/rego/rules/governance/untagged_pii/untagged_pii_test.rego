package plaudit.rules.governance.untagged_pii_test

import rego.v1

import data.plaudit.rules.governance.untagged_pii

taxonomy := {
	"identity.national_id": {"level": "C2", "pipl_sensitive": true, "pci": null, "title": "ID document number"},
	"network.ip_address": {"level": "C1", "pipl_sensitive": false, "pci": null, "title": "IP address"},
}

column(name, category, confidence, in_catalog) := {
	"resource": concat(".", ["lending.public.customer", name]),
	"column": name,
	"location": {"path": "migrations/V1__init.sql", "line": 4},
	"category": category,
	"level": "C2",
	"in_catalog": in_catalog,
	"detected": {"category": category, "confidence": confidence},
	"protection": "none",
}

test_unlisted_detected_column_is_denied if {
	findings := untagged_pii.deny with input as {
		"taxonomy": taxonomy,
		"columns": [column("sfzh", "identity.national_id", 0.97, false)],
	}
	count(findings) == 1
	some f in findings
	f.resource == "lending.public.customer.sfzh"
	f.severity == "high"
	f.location == {"path": "migrations/V1__init.sql", "line": 4}
	contains(f.message, "identity.national_id")
	contains(f.message, "C2")
	contains(f.message, "0.97")
}

test_catalogued_column_is_allowed if {
	count(untagged_pii.deny) == 0 with input as {
		"taxonomy": taxonomy,
		"columns": [column("sfzh", "identity.national_id", 0.97, true)],
	}
}

test_column_without_detection_is_allowed if {
	count(untagged_pii.deny) == 0 with input as {"columns": [object.union(
		column("remark", "identity.national_id", 0.9, false),
		{"detected": null, "category": null},
	)]}
}

test_confidence_at_threshold_is_denied if {
	count(untagged_pii.deny) == 1 with input as {"columns": [column("x", "identity.national_id", 0.6, false)]}
}

test_confidence_below_threshold_is_allowed if {
	count(untagged_pii.deny) == 0 with input as {"columns": [column("x", "identity.national_id", 0.59, false)]}
}

test_threshold_is_a_parameter if {
	count(untagged_pii.deny) == 0 with input as {"columns": [column("x", "identity.national_id", 0.7, false)]}
		with data.plaudit.params as {"min_confidence": 0.8}
}

test_c1_is_medium if {
	some f in untagged_pii.deny with input as {
		"taxonomy": taxonomy,
		"columns": [column("client_ip", "network.ip_address", 0.9, false)],
	}
	f.severity == "medium"
}

test_view_columns_are_not_in_scope if {
	count(untagged_pii.deny) == 0 with input as {
		"tables": [{"resource": "lending.public.customer", "kind": "view"}],
		"columns": [column("sfzh", "identity.national_id", 0.97, false)],
	}
}
