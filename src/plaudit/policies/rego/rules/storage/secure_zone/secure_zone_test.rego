package plaudit.rules.storage.secure_zone_test

import rego.v1

import data.plaudit.rules.storage.secure_zone

table(name, zone) := {
	"resource": sprintf("lending.public.%s", [name]),
	"kind": "table",
	"columns": ["c"],
	"catalog": {"zone": zone},
}

column(name, category, level, pci) := {
	"resource": sprintf("lending.public.%s.c", [name]),
	"column": "c",
	"location": {"path": "V1.sql", "line": 9},
	"category": category,
	"level": level,
	"pci": pci,
}

test_c3_outside_secure_zone_is_denied if {
	findings := secure_zone.deny with input as {"tables": [table("t", "general")], "columns": [column("t", "auth.password", "C3", null)]}
	count(findings) == 1
	some f in findings
	contains(f.message, "'general'")
	f.location.line == 9
}

test_pan_outside_secure_zone_is_denied if {
	count(secure_zone.deny) == 1 with input as {"tables": [table("t", "analytics")], "columns": [column("t", "account.bank_card", "C2", "PAN")]}
}

test_secure_zone_is_allowed if {
	count(secure_zone.deny) == 0 with input as {"tables": [table("t", "secure")], "columns": [column("t", "auth.password", "C3", null)]}
}

test_no_zone_stated_is_not_judged if {
	count(secure_zone.deny) == 0 with input as {"tables": [object.remove(table("t", "x"), ["catalog"])], "columns": [column("t", "auth.password", "C3", null)]}
	count(secure_zone.deny) == 0 with input as {"tables": [table("t", null)], "columns": [column("t", "auth.password", "C3", null)]}
}

test_c2_outside_secure_zone_is_allowed if {
	count(secure_zone.deny) == 0 with input as {"tables": [table("t", "general")], "columns": [column("t", "contact.phone", "C2", null)]}
}

test_child_category_of_card_counts_as_pan if {
	count(secure_zone.deny) == 1 with input as {"tables": [table("t", "general")], "columns": [column("t", "account.bank_card.credit", "C2", null)]}
}

test_view_outside_secure_zone_over_secure_table_is_denied if {
	view := object.union(table("v", "general"), {"kind": "view", "location": {"path": "views.sql", "line": 2}})
	findings := secure_zone.deny with input as {
		"tables": [table("t", "secure"), view],
		"columns": [column("t", "contact.phone", "C2", null)],
		"flows": [{"view": "lending.public.v", "column": "phone", "sources": ["lending.public.t.c"]}],
	}
	count(findings) == 1
	some f in findings
	f.resource == "lending.public.v"
	f.location.path == "views.sql"
}

test_view_columns_are_not_judged_as_storage if {
	view := object.union(table("v", "general"), {"kind": "view"})
	count(secure_zone.deny) == 0 with input as {
		"tables": [table("t", "general"), view],
		"columns": [column("v", "auth.password", "C3", null)],
		"flows": [{"view": "lending.public.v", "column": "c", "sources": ["lending.public.t.c"]}],
	}
}
