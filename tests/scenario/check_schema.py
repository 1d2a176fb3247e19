"""Validates every *.json (but the schema) in scenarios/ and in any further
directories given against scenarios/schema.json."""
import glob
import json
import os
import sys

import jsonschema

root = sys.argv[1]
schema = json.load(open(os.path.join(root, "schema.json")))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
files = sorted(f for d in sys.argv[1:] for f in glob.glob(os.path.join(d, "*.json"))
               if not f.endswith("schema.json"))
failed = 0
for path in files:
    errors = list(validator.iter_errors(json.load(open(path))))
    failed += bool(errors)
    for error in errors:
        print(f"{path}: /{'/'.join(map(str, error.absolute_path))}: {error.message}")
print(f"schema check: {len(files) - failed} files valid, {failed} invalid")
sys.exit(1 if failed or not files else 0)
