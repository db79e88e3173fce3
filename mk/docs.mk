# docs/rules.md is generated from the rule registry; a test fails when it
# is stale.  Run this after adding or changing a rule.
.PHONY: rules-doc
rules-doc: setup
	$(VENV_PY) -m pyconfcheck.docs
