# METADATA
# title: Catalog attributes of tables
# description: >-
#   Safe views of what the catalog says about a table (`tables[].catalog` in docs/facts.md: zone,
#   region, role, copy_of, sharing, pia) and the helpers the zone, transfer and lifecycle rules share:
#   a table's columns, which regions count as mainland China, where a finding about a table points.
package plaudit.lib.catalog

# Other packages are named in full, not through imports: the in-process engine (regorus 0.13)
# resolves a library function's import alias in the caller's module once a rule of the library has
# been evaluated lazily inside the caller's rule, so an alias the caller lacks comes back undefined.

import rego.v1


# entry is a table's catalog object, or {} when the catalog does not describe it.
entry(table) := table.catalog if is_object(table.catalog) else := {}

# zone, region and role are lower-cased and undefined when the catalog does not state them.
zone(table) := lower(entry(table).zone) if is_string(entry(table).zone)

region(table) := lower(trim_space(entry(table).region)) if is_string(entry(table).region)

role(table) := lower(entry(table).role) if is_string(entry(table).role)

# retention is the table's declared retention object, or {}.
retention(table) := entry(table).retention if is_object(entry(table).retention) else := {}

# sharing is the list of the table's outbound flows declared in the catalog.
sharing(table) := entry(table).sharing if is_array(entry(table).sharing) else := []

# array_of is x when it is an array, else []: the in-process engine raises on `some v in null`.
array_of(x) := x if is_array(x) else := []

# base holds for a stored table (not a view); tables without a kind are tables.
base(table) if object.get(table, "kind", "table") == "table"

# columns_in_zone are the columns of the base tables of one zone: the zone rules walk these rather
# than every column of the scan, most of which sit in tables of other zones.
columns_in_zone(name) := [column |
	some table in data.plaudit.lib.facts.tables
	base(table)
	zone(table) == name
	some column in columns_of(table)
]

# columns_of are the facts columns of a table, in declaration order.
columns_of(table) := [column |
	some name in array_of(object.get(table, "columns", []))
	is_string(name)
	column := data.plaudit.lib.data.columns_by_resource[concat(".", [table.resource, name])]
]

# table_of is the facts table that holds a column, or {}. Indexing, not object.get: the in-process
# engine copies an object passed to a builtin, which made this lookup cost as much as the whole map.
table_of(column) := table if {
	is_string(column.resource)
	is_string(column.column)
	table := data.plaudit.lib.data.tables_by_resource[data.plaudit.lib.facts.table_resource(column)]
} else := {}

# location_of points a finding about a table at its definition, else at its catalog entry.
location_of(table) := table.location if {
	is_object(table.location)
} else := entry(table).location if {
	is_object(entry(table).location)
} else := null

# Mainland-China region names of the clouds our users run on, and of plaudit's own examples:
#   cn-*        AWS China (cn-north-1 Beijing, cn-northwest-1 Ningxia), Alibaba Cloud (cn-hangzhou,
#               cn-shanghai, cn-beijing, cn-shenzhen...), Huawei Cloud (cn-north-4, cn-east-3...);
#   china*      Azure operated by 21Vianet (chinaeast2, chinanorth3...);
#   ap-<city>   Tencent Cloud's mainland regions (ap-guangzhou, ap-shanghai-fsi...).
# Hong Kong, Macao and Taiwan are outside mainland China for PIPL and PBOC purposes, and some of their
# names look mainland (Alibaba cn-hongkong), so they are excluded by name even when a pattern matches.
default_permitted_regions := [
	"cn-*", "china*",
	"ap-beijing*", "ap-shanghai*", "ap-guangzhou*", "ap-shenzhen*", "ap-chengdu*", "ap-chongqing*",
	"ap-nanjing*",
]

default_excluded_regions := ["*hongkong*", "*hong-kong*", "*macau*", "*macao*", "*taiwan*", "*taipei*"]

permitted_regions := regions if {
	regions := data.plaudit.lib.params.value("permitted_regions", default_permitted_regions)
	is_array(regions)
} else := default_permitted_regions

excluded_regions := regions if {
	regions := data.plaudit.lib.params.value("excluded_regions", default_excluded_regions)
	is_array(regions)
} else := default_excluded_regions

# foreign_regions are the distinct regions the catalog gives tables that are not permitted: each
# region is matched against the patterns once, not once per table.
foreign_regions contains name if {
	some name in {region(table) | some table in data.plaudit.lib.facts.tables}
	not permitted(name)
}

# permitted holds for a region name inside the permitted regions (glob patterns, case-insensitive).
permitted(name) if {
	is_string(name)
	some pattern in permitted_regions
	region_match(pattern, name)
	not excluded(name)
}

excluded(name) if {
	some pattern in excluded_regions
	region_match(pattern, name)
}

region_match(pattern, name) if {
	is_string(pattern)
	glob.match(lower(pattern), [], lower(trim_space(name)))
}
