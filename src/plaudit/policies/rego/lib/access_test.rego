package plaudit.lib.access_test

import rego.v1

import data.plaudit.lib.access

customer := {"schema": "public", "table": "customer", "pi_columns": ["id_no", "mobile"]}

test_missing_or_malformed_sections_read_as_empty if {
	access.grants == [] with input as {}
	access.grants == [] with input as {"grants": {}}
	access.settings == {} with input as {"settings": []}
}

test_select_and_all_read_rows if {
	access.reads({"privilege": "SELECT"})
	access.reads({"privilege": "all privileges"})
	not access.reads({"privilege": "INSERT"})
	not access.reads({"privilege": null})
}

test_public_and_anonymous_accounts_are_everyone if {
	access.everyone("PUBLIC")
	access.everyone("public")
	access.everyone("''@'%'")
	not access.everyone("'app'@'%'")
	not access.everyone("public_reader")
}

test_allow_list_matches_exact_grantee_or_user_name if {
	access.allowed("'app'@'%'", ["app"])
	access.allowed("'app'@'10.%'", ["'app'@'10.%'"])
	access.allowed("Reporting", ["reporting"])
	not access.allowed("'app'@'%'", ["app@localhost"])
	not access.allowed("'application'@'%'", ["app"])
	not access.allowed("app", [])
}

test_grant_covers_table_by_name_schema_or_star if {
	access.covers({"schema": "public", "table": "CUSTOMER"}, customer)
	access.covers({"schema": "public", "table": "*"}, customer)
	access.covers({"schema": null, "table": "customer"}, customer)
	access.covers({"table": "customer"}, object.remove(customer, ["schema"]))
	not access.covers({"schema": "other", "table": "customer"}, customer)
	not access.covers({"schema": "public", "table": "orders"}, customer)
}

test_exposed_columns if {
	access.exposed({"columns": []}, customer) == ["id_no", "mobile"]
	access.exposed({}, customer) == ["id_no", "mobile"]
	access.exposed({"columns": ["ID_NO", "note"]}, customer) == ["id_no"]
	access.exposed({"columns": ["note"]}, customer) == []
}
