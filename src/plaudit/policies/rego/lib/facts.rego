# METADATA
# title: Facts document accessors
# description: >-
#   Safe, typed views of the facts document (docs/facts.md). The in-process engine raises on a builtin
#   given the wrong type (where OPA would leave the expression undefined), so every rule reads input
#   through these helpers and gets the same answer on both engines.
package plaudit.lib.facts

import rego.v1

default columns := []

columns := input.columns if is_array(input.columns)

default tables := []

tables := input.tables if is_array(input.tables)

default catalog_entries := []

catalog_entries := input.catalog_entries if is_array(input.catalog_entries)

default waivers := []

waivers := input.waivers if is_array(input.waivers)

default taxonomy := {}

taxonomy := input.taxonomy if is_object(input.taxonomy)

# views are the resources of the tables of kind view.
views contains table.resource if {
	some table in tables
	table.kind == "view"
}

# stored_columns are the columns of base tables. A view's columns store nothing: the storage and
# classification rules leave them to the exposure rules, which judge what a view projects.
stored_columns := columns if {
	count(views) == 0
} else := [column | some column in columns; not in_view(column)]

in_view(column) if table_resource(column) in views

# table_resource is the resource of a column's table: its own resource without the column name.
table_resource(column) := substring(column.resource, 0, (count(column.resource) - count(column.column)) - 1)

# known_categories is every category key of this run: the taxonomy's and any a column names.
known_categories := object.keys(taxonomy) | {column.category |
	some column in columns
	is_string(column.category)
}

# tree is the set of known categories in the tree of any of `keys` (the keys themselves included).
# Rules test `column.category in tree` once per column: a set lookup, where calling in_category per
# column and key would cost the in-process engine tens of microseconds per column.
tree(keys) := keys | {category |
	some category in known_categories
	in_any_category(category, keys)
}

# sad_categories are the categories of PCI sensitive authentication data.
sad_categories := tree({"auth.card_verification"}) | {key | some key, category in taxonomy; category.pci == "SAD"}

# in_category holds when `category` is `key` or one of its children (`identity.national_id.hk_permit`
# is an `identity.national_id`), so catalog extensions inherit the rules of their parent.
in_category(category, key) if category == key

in_category(category, key) if {
	is_string(category)
	startswith(category, concat("", [key, "."]))
}

# in_any_category holds when `category` is in the tree of any key of `keys`.
in_any_category(category, keys) if {
	some key in keys
	in_category(category, key)
}

# pi_tables are the base tables that hold personal information, computed once for every rule.
pi_tables := [table | some table in tables; holds_pi(table)]

# holds_pi holds for a base table (not a view) that has at least one personal-information column.
holds_pi(table) if {
	object.get(table, "kind", "table") == "table"
	is_array(table.pi_columns)
	count(table.pi_columns) > 0
}

# Sets of lower-cased column resources, so that a rule looks a table's column up by name
# (table resource + "." + column) instead of scanning every column once per table.
column_resources contains lower(column.resource) if {
	some column in columns
	is_string(column.resource)
}

sensitive_column_resources contains lower(column.resource) if {
	some column in columns
	column.pipl_sensitive == true
	is_string(column.resource)
}

# column_resource is the resource of the column `name` of `table`, lower-cased for the sets above.
column_resource(table, name) := lower(concat(".", [table.resource, name]))

# name_list renders column names for a message: at most five, then a count.
name_list(names) := concat(", ", names) if {
	count(names) <= 5
} else := sprintf("%s and %d more", [concat(", ", array.slice(names, 0, 5)), count(names) - 5])

# filled holds when `obj[key]` is a non-empty string.
filled(obj, key) if {
	is_string(obj[key])
	trim_space(obj[key]) != ""
}

# operations are the statements the migration rules judge (docs/facts.md, Operations).
operations := input.operations if is_array(input.operations)

default operations := []
