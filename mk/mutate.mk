# Mutation testing (docs/testing.md): one-line bugs from tests/mutations.txt,
# each planted alone in a scratch copy (MUTATE_DIR, default
# /tmp/azoth-mutate), the tests it names run; ends "mutate: C caught, M missed".
# Not part of the test command (it is slow).
#
#   make mutate [MUTATE_ONLY="name-substring ..."]
#   make mutate-check    each mutation can still be planted (nothing run)
mutate:
	bash scripts/mutate.sh $(MUTATE_ONLY)

mutate-check:
	bash scripts/mutate.sh --check $(MUTATE_ONLY)

.PHONY: mutate mutate-check
