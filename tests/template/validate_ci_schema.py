#!/usr/bin/env python3
"""Validates GitLab CI files against GitLab's CI JSON schema (as gitlab-ci-local ships it).

usage: validate_ci_schema.py SCHEMA.json FILE.yml...

The schema accepts anything under a hidden key (`.name`: "hidden keys" may be
plain YAML anchors), so each file is also checked with its hidden jobs renamed
into real ones: a template's jobs must be valid jobs. Prints one line per
error; exits 1 if there is any.
"""
import json
import sys

import jsonschema
import yaml


def main():
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    validator = jsonschema.Draft7Validator(schema)
    errors = 0
    for path in sys.argv[2:]:
        with open(path) as f:
            doc = yaml.safe_load(f)
        as_jobs = {("job" + k if k.startswith(".") else k): v for k, v in doc.items()}
        for what, d in (("as written", doc), ("hidden jobs as jobs", as_jobs)):
            for e in validator.iter_errors(d):
                errors += 1
                where = "/".join(map(str, e.absolute_path)) or "(root)"
                print(f"{path} ({what}): {where}: {e.message[:300]}")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
