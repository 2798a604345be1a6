package plaudit.lib.catalog_test

import rego.v1

import data.plaudit.lib.catalog

test_mainland_regions_are_permitted if {
	every name in ["cn-north-1", "cn-northwest-1", "cn-hangzhou", "CN-East-1", "chinaeast2", "ap-guangzhou", "ap-shanghai-fsi"] {
		catalog.permitted(name)
	}
}

test_hong_kong_macao_taiwan_and_abroad_are_not if {
	every name in ["cn-hongkong", "ap-hongkong", "ap-east-1", "eastasia", "ap-taipei", "us-east-1", "eu-central-1", "ap-southeast-1", ""] {
		not catalog.permitted(name)
	}
}

test_permitted_regions_is_a_parameter if {
	catalog.permitted("eu-central-1") with data.plaudit.params as {"permitted_regions": ["eu-*"]}
	not catalog.permitted("cn-north-1") with data.plaudit.params as {"permitted_regions": ["eu-*"]}
	not catalog.permitted("cn-hongkong") with data.plaudit.params as {"permitted_regions": ["*"]}
	catalog.permitted("cn-hongkong") with data.plaudit.params as {"permitted_regions": ["*"], "excluded_regions": []}
}

test_table_attributes if {
	table := {"resource": "d.s.t", "columns": ["a", "b"], "catalog": {"zone": "Secure", "region": " cn-north-1 ", "role": "token_vault"}}
	catalog.zone(table) == "secure"
	catalog.region(table) == "cn-north-1"
	catalog.role(table) == "token_vault"
	catalog.columns_of(table) == [{"resource": "d.s.t.b", "column": "b"}] with input as {"columns": [{"resource": "d.s.t.b", "column": "b"}]}
}

test_missing_catalog_is_empty if {
	table := {"resource": "d.s.t", "catalog": null}
	not catalog.zone(table)
	not catalog.region(table)
	catalog.sharing(table) == []
	catalog.retention(table) == {}
	catalog.location_of(table) == null
}
