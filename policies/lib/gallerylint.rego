# METADATA
# title: gallerylint policy library
# description: The one shape of a violation, shared by every rule.
package gallerylint.lib

import rego.v1

# Each rule policy reads `input.items` (its compact, deduplicated collection,
# see policies/README.md) and defines `violations := check(input.items)`, an
# array built by this library's helpers. Tests call `check` directly.
#
# Builtins and forms NOT to use here, because the embedded engine (regopy
# 1.5.2, rego-cpp) gets them wrong or lacks them, and policies must give the
# same answers in OPA:
#   - time.parse_rfc3339_ns (rejects a trailing "Z"), time.diff, time.format:
#     dates arrive as facts computed in Python;
#   - semver.compare (compares as text): version order is a fact;
#   - sprintf verbs other than %s on input strings and %d on integers (%s of
#     an array prints "" in regopy, and %s of a string computed by concat
#     comes out quoted, breaking the engine's JSON): build messages with
#     concat("", [...]) and lists with lib.list_text;
#   - object.union (not deep), regex inline flags such as (?i), lower/upper on
#     non-ASCII text, sort over mixed types: values arrive lowercased;
#   - net.*, http.send, json.match_schema, rego.metadata.*, trace: missing;
#   - `rule if every ...` without braces around `every`;
#   - `with input as` on a rule whose body calls a builtin (fails to compile
#     in regopy): test `check(items)` instead;
#   - sets of objects (quadratic in regopy): `violations` is an array.

# A violation of item `item` with a message.
violation(item, message) := {"k": item.k, "message": message}

# A violation located on a property (a location key, see policies/README.md).
violation_at(item, message, at) := {"k": item.k, "message": message, "at": at}

# A violation at a level other than the rule's default.
violation_level(item, message, level, at) := {"k": item.k, "message": message, "level": level, "at": at}

# A violation about one region.
violation_region(item, message, region, at) := {"k": item.k, "message": message, "region": region, "at": at}

# Lists in messages.
list_text(values) := concat(", ", values)
