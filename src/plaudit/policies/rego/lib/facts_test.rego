package plaudit.lib.facts_test

import rego.v1

import data.plaudit.lib.facts

tables := [
	{"resource": "lending.public.customer", "kind": "table", "pi_columns": ["id_no"]},
	{"resource": "lending.public.v_customer", "kind": "view", "pi_columns": ["id_no"]},
	{"resource": "lending.public.audit", "kind": "table", "pi_columns": []},
]

columns := [
	{"resource": "lending.public.customer.id_no", "column": "id_no", "category": "identity.national_id"},
	{"resource": "lending.public.v_customer.id_no", "column": "id_no", "category": "identity.national_id"},
	{"resource": "lending.public.audit.note", "column": "note", "category": null},
]

test_view_columns_are_not_stored if {
	stored := facts.stored_columns with input as {"tables": tables, "columns": columns}
	[c.resource | some c in stored] == ["lending.public.customer.id_no", "lending.public.audit.note"]
}

test_without_views_every_column_is_stored if {
	stored := facts.stored_columns with input as {"tables": [tables[0]], "columns": columns}
	count(stored) == 3
}

test_pi_tables_are_base_tables_with_pi_columns if {
	pi := facts.pi_tables with input as {"tables": tables}
	[t.resource | some t in pi] == ["lending.public.customer"]
}

test_category_tree_includes_children_not_lookalikes if {
	tree := facts.tree({"identity.national_id"}) with input as {
		"taxonomy": {"identity.national_id": {}, "identity.national_id.hk_permit": {}, "identity.national_idx": {}},
		"columns": [{"category": "identity.national_id.tw_permit"}],
	}
	tree == {"identity.national_id", "identity.national_id.hk_permit", "identity.national_id.tw_permit"}
}

test_sad_categories_follow_the_taxonomy_pci_role if {
	sad := facts.sad_categories with input as {"taxonomy": {"custom.pin_block": {"pci": "SAD"}, "contact.phone": {"pci": null}}}
	sad == {"auth.card_verification", "custom.pin_block"}
}

test_missing_or_malformed_sections_read_as_empty if {
	facts.columns == [] with input as {"columns": null}
	facts.tables == [] with input as {}
	facts.waivers == [] with input as {"waivers": {}}
}

test_name_list_caps_at_five if {
	facts.name_list(["a", "b"]) == "a, b"
	facts.name_list(["a", "b", "c", "d", "e", "f", "g"]) == "a, b, c, d, e and 2 more"
}
