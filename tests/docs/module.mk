# tests/docs: the transcripts and figures the docs quote stay true.
# doccheck.py finds every block marked `<!-- doc-check ... -->` in README.md
# and docs/*.md, runs its command from the repository root with this build's
# trapvisor and compares (docs/testing.md, "Quoted output").  figures.py
# prints the tables of counts the docs quote.  The self-test first proves
# that a changed count fails the check.
#   make test-docs      check (part of `make test`)
#   make docs-update    rewrite drifted blocks; review with git diff
DOCS_PREREQS := $(B)/trapvisor $(B)/guests/kernel.elf $(B)/guests/kernel-pv.elf

test-docs: $(DOCS_PREREQS)
	$(Q)python3 tests/docs/doccheck.py --build $(B) --self-test
	$(Q)python3 tests/docs/doccheck.py --build $(B)
TEST_TARGETS += test-docs

docs-update: $(DOCS_PREREQS)
	$(Q)python3 tests/docs/doccheck.py --build $(B) --update
.PHONY: docs-update
