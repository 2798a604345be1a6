package plaudit.lib.result_test

import rego.v1

import data.plaudit.lib.result

meta := {
	"rule": "R-1", "kind": "weak_protection", "severity": "high", "title": "T",
	"references": ["PIPL Art. 51(3)"], "remediation": "fix it",
}

test_metadata_fills_the_violation if {
	result.violation(meta, {"resource": "a.b.c", "message": "m"}) == {
		"rule": "R-1", "kind": "weak_protection", "severity": "high", "title": "T",
		"message": "m", "remediation": "fix it", "references": ["PIPL Art. 51(3)"],
		"resource": "a.b.c", "location": null,
	}
}

test_finding_overrides_severity_kind_and_remediation if {
	v := result.violation(meta, {
		"resource": "a.b.c", "message": "m", "location": {"path": "f.sql", "line": 1},
		"severity": "critical", "kind": "prohibited_storage", "remediation": "drop it",
	})
	v.severity == "critical"
	v.kind == "prohibited_storage"
	v.remediation == "drop it"
	v.location == {"path": "f.sql", "line": 1}
}

test_other_finding_keys_are_dropped if {
	v := result.violation(meta, {"resource": "a.b.c", "message": "m", "rule": "FORGED", "waived": true})
	v.rule == "R-1"
	not v.waived
}
