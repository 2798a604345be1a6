package plaudit.main_test

import rego.v1

import data.plaudit.main

column := {
	"resource": "lending.public.customer.id_no",
	"location": {"path": "migrations/V1.sql", "line": 5},
	"category": "identity.national_id",
	"level": "C2",
	"pipl_sensitive": true,
	"pci": null,
	"in_catalog": true,
	"detected": null,
	"protection": "none",
}

waiver(rule, resource, expired) := {
	"rule": rule,
	"resource": resource,
	"reason": "collection letters",
	"owner": "dpo@example.com",
	"expires": "2027-03-31",
	"expired": expired,
}

test_router_builds_full_violations_from_metadata if {
	vs := main.violations with input as {"columns": [column]}
	count(vs) == 1
	some v in vs
	v == {
		"rule": "JRT0171-STORE-C2-PROTECT",
		"kind": "unencrypted_sensitive",
		"severity": "high",
		"title": data.plaudit.metadata["storage.c2_protect"].title,
		"message": v.message,
		"remediation": data.plaudit.metadata["storage.c2_protect"].remediation,
		"references": data.plaudit.metadata["storage.c2_protect"].references,
		"resource": "lending.public.customer.id_no",
		"location": {"path": "migrations/V1.sql", "line": 5},
		"waived": false,
		"waiver": null,
	}
}

test_router_finds_a_new_package_without_registration if {
	vs := main.violations with input as {}
		with data.plaudit.rules.extra.probe.deny as {{"resource": "a.b", "message": "m"}}
		with data.plaudit.metadata["extra.probe"] as {
			"rule": "X-PROBE", "kind": "pii_in_logs", "severity": "low", "title": "probe",
			"references": [], "remediation": "r",
		}
	some v in vs
	v.rule == "X-PROBE"
	v.location == null
}

test_clean_input_has_no_violations if {
	count(main.violations) == 0 with input as {"columns": [object.union(column, {"protection": "encrypted"})]}
}

test_active_waiver_waives if {
	some v in main.violations with input as {
		"columns": [column],
		"waivers": [waiver("JRT0171-STORE-C2-PROTECT", "lending.public.customer.id_no", false)],
	}
	v.waived == true
	v.waiver == {
		"rule": "JRT0171-STORE-C2-PROTECT", "resource": "lending.public.customer.id_no",
		"owner": "dpo@example.com", "reason": "collection letters", "expires": "2027-03-31",
	}
}

test_expired_waiver_does_not_waive if {
	some v in main.violations with input as {
		"columns": [column],
		"waivers": [waiver("JRT0171-STORE-C2-PROTECT", "lending.public.customer.id_no", true)],
	}
	v.waived == false
	v.waiver == null
}
