# METADATA
# title: Data-check accessors
# description: >-
#   Safe views of input.data_checks (the sampled-data results of plaudit.scanners.data: counts, rates
#   and masked exemplars only) joined to the columns and tables they describe. Checks that failed
#   (`error` set) are left out: a table that could not be read proves nothing either way.
package plaudit.lib.data

import rego.v1

import data.plaudit.lib.facts

default checks := []

checks := input.data_checks if is_array(input.data_checks)

# results are the successful checks of one kind (`detectors`, `plaintext`, `ciphertext`, ...).
results(kind) := [check |
	some check in checks
	check.check == kind
	not failed(check)
	is_string(check.resource)
]

failed(check) if is_string(check.error)

columns_by_resource := {column.resource: column |
	some column in facts.columns
	is_string(column.resource)
}

tables_by_resource := {table.resource: table |
	some table in facts.tables
	is_string(table.resource)
}

# column_of is the facts column a check names, or {} when the facts do not list it.
column_of(check) := object.get(columns_by_resource, check.resource, {})

# table_of is the facts table a check names, or {}.
table_of(check) := object.get(tables_by_resource, check.resource, {})

# detail is check.details[key] when it is a number, else 0.
detail(check, key) := n if {
	n := object.get(check, ["details", key], 0)
	is_number(n)
} else := 0

# level is the JR/T 0171 class of a column: its own, else its category's in the taxonomy, else null.
level(column) := column.level if {
	is_string(column.level)
} else := facts.taxonomy[column.category].level if {
	is_string(column.category)
	is_string(facts.taxonomy[column.category].level)
} else := null

# pan holds for a column that stores card numbers (PCI PAN role, or the bank-card category tree).
pan(column) if column.pci == "PAN"

pan(column) if facts.in_category(column.category, "account.bank_card")

# percent renders a rate (0..1) as a whole percentage for messages.
percent(rate) := sprintf("%d%%", [round(rate * 100)])
