# METADATA
# title: Grants and server settings
# description: >-
#   Safe views of input.grants and input.settings (docs/facts.md) and the helpers the access and
#   transport rules share: which privileges read rows, which grantees stand for everyone, how a grantee
#   matches an allow-list entry, which tables a grant reaches and which of their PI columns it exposes.
package plaudit.lib.access

import rego.v1

default grants := []

grants := input.grants if is_array(input.grants)

default settings := {}

settings := input.settings if is_object(input.settings)

# read_privileges let the grantee read rows: SELECT, or ALL (which includes it).
read_privileges := {"SELECT", "ALL", "ALL PRIVILEGES"}

reads(grant) if {
	is_string(grant.privilege)
	upper(grant.privilege) in read_privileges
}

# everyone holds for grantees that stand for any user: PUBLIC, and MySQL's anonymous account
# (''@'%' matches every user name connecting from that host), which R23 calls a wildcard.
everyone(grantee) if upper(plain(grantee)) == "PUBLIC"

everyone(grantee) if startswith(plain(grantee), "@")

everyone(grantee) if plain(grantee) == ""

# plain is a grantee without quotes or backticks, lower-cased: 'App'@'%' -> app@%.
plain(name) := lower(regex.replace(name, "[`'\"]", "")) if is_string(name)

# allowed holds when an allow-list entry names the grantee: exactly (app@10.% for 'app'@'10.%'), or
# by user name alone (app), which then covers the user from every host.
allowed(grantee, allow_list) if {
	some entry in allow_list
	plain(entry) == plain(grantee)
}

allowed(grantee, allow_list) if {
	some entry in allow_list
	not contains(plain(entry), "@")
	plain(entry) == split(plain(grantee), "@")[0]
}

# covers holds when a grant reaches a table: same name (or `*`, every table of the schema) and the
# same schema, case-insensitively. A side without a schema (an unqualified name in a SQL file) is
# resolved by the search path at run time, so it matches a table of that name in any schema.
covers(grant, table) if {
	same_object(grant.table, table.table)
	same_schema(object.get(grant, "schema", null), object.get(table, "schema", null))
}

same_object(granted, _) if granted == "*"

same_object(granted, name) if {
	is_string(granted)
	is_string(name)
	lower(granted) == lower(name)
}

same_schema(granted, _) if not is_string(granted)

same_schema(granted, schema) if {
	is_string(granted)
	not is_string(schema)
}

same_schema(granted, schema) if {
	is_string(granted)
	is_string(schema)
	lower(granted) == lower(schema)
}

# exposed are the PI columns of `table` a grant lets its grantee read: all of them for a table-wide
# grant, the granted ones among them for a column grant.
exposed(grant, table) := table.pi_columns if {
	count(object.get(grant, "columns", [])) == 0
} else := [name |
	some name in table.pi_columns
	lower(name) in {lower(c) | some c in grant.columns}
]
