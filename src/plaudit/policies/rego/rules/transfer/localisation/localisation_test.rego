package plaudit.rules.transfer.localisation_test

import rego.v1

import data.plaudit.rules.transfer.localisation

table(region) := {
	"resource": "lending.public.customer",
	"kind": "table",
	"pi_columns": ["id_no"],
	"max_level": "C2",
	"location": null,
	"catalog": {"region": region, "location": {"path": "catalog/lending.yaml", "line": 6}},
}

test_hong_kong_is_denied if {
	findings := localisation.deny with input as {"tables": [table("cn-hongkong")]}
	count(findings) == 1
	some f in findings
	f.location.path == "catalog/lending.yaml"
	contains(f.message, "'cn-hongkong'")
}

test_abroad_is_denied if {
	every region in ["us-east-1", "ap-southeast-1", "eu-west-1", "ap-east-1"] {
		count(localisation.deny) == 1 with input as {"tables": [table(region)]}
	}
}

test_mainland_is_allowed if {
	every region in ["cn-north-1", "cn-east-1", "cn-hangzhou", "chinanorth3", "ap-shanghai"] {
		count(localisation.deny) == 0 with input as {"tables": [table(region)]}
	}
}

test_no_region_is_not_judged if {
	count(localisation.deny) == 0 with input as {"tables": [table(null)]}
	count(localisation.deny) == 0 with input as {"tables": [object.remove(table("x"), ["catalog"])]}
}

test_tables_without_pi_and_views_are_not_in_scope if {
	count(localisation.deny) == 0 with input as {"tables": [object.union(table("us-east-1"), {"pi_columns": []})]}
	count(localisation.deny) == 0 with input as {"tables": [object.union(table("us-east-1"), {"kind": "view"})]}
}

test_permitted_regions_parameter if {
	count(localisation.deny) == 0 with input as {"tables": [table("eu-west-1")]}
		with data.plaudit.params as {"permitted_regions": ["eu-*"]}
}
