# labs/: the course around the code (docs/labs.md).  Each labs/NAME/ has a
# handout (README.md), its steps (steps) and a grader (grade.c, one
# Criterion suite per step); the solution is the project's own code with
# the student's part marked in place (labs/cut.sh).
#
#   make grade LAB=NAME [STEP=n]   grade lab NAME (here: the solution; in a
#                                  starter tree LAB defaults to its .lab)
#   make lab-dist LAB=NAME         build/labs/NAME-starter.tar.gz
#   make lab-start LAB=NAME [LABDIR=dir]   a student's workspace (a git repo)
#   make test-labs                 CI: every lab cut, built, every step
#                                  failing on the starter and passing here

LAB   ?= $(shell cat .lab 2>/dev/null)
STEP  ?=
LABS  := $(patsubst labs/%/steps,%,$(wildcard labs/*/steps))

LAB_DEFS := -DKRUN_ROOT='"$(CURDIR)"' -DKRUN_BUILD='"$(abspath $(B))"'
$(B)/labs/lab.o: CFLAGS += $(LAB_DEFS)

# $(call lab_grader,NAME): build/labs/bin/NAME from labs/NAME/*.c, with the
# teaching kernel's runner (tests/kernel/krun.c) for whole-system steps.
# A lab whose solution is a program of its own (labs/NAME/module.mk) names
# its source LAB_NAME_PROGRAM (left out of the grader) and the objects the
# grader links besides, LAB_NAME_OBJS.
define lab_grader
LAB_$(1)_GRADER := $$(filter-out $$(LAB_$(1)_PROGRAM),$$(wildcard labs/$(1)/*.c))
LAB_$(1)_SRCS := $$(LAB_$(1)_GRADER) labs/lab.c tests/kernel/krun.c
$$(patsubst %.c,$(B)/%.o,$$(LAB_$(1)_GRADER)): CFLAGS += $(LAB_DEFS)
$$(patsubst %.c,$(B)/%.o,$$(LAB_$(1)_GRADER)): labs/module.mk
$(B)/labs/bin/$(1): $$(LAB_$(1)_SRCS:%.c=$(B)/%.o) $$(LAB_$(1)_OBJS) $(TV_LIB)
	@mkdir -p $$(dir $$@)
	@$$(if $(Q),echo "  LD      $$@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $$@ $$^ -lcriterion $(LDLIBS)
ALL_TARGETS += $(B)/labs/bin/$(1)
endef
$(foreach l,$(LABS),$(eval $(call lab_grader,$(l))))

# What a grader needs besides itself: the monitor and the teaching kernel.
LAB_PREREQS := $(B)/trapvisor $(B)/guests/kernel.elf $(B)/guests/kernel-pv.elf \
               $(B)/tests/monitor/hostile/pt_self.elf $(B)/tests/monitor/hostile/victim.elf

lab-check-name:
	@test -n "$(LAB)" || { echo "make: say which lab: LAB=name (labs: $(LABS))" >&2; exit 2; }
	@test -f labs/$(LAB)/steps || { echo "make: no lab '$(LAB)' (labs: $(LABS))" >&2; exit 2; }

grade: lab-check-name
	$(Q)$(MAKE) --no-print-directory $(LAB_PREREQS) $(B)/labs/bin/$(LAB)
	$(Q)B=$(B) labs/grade.sh $(LAB) $(STEP)

lab-dist: lab-check-name
	$(Q)labs/dist.sh $(LAB) $(B)/labs

lab-start: lab-check-name
	$(Q)labs/start.sh $(LAB) $(B)/labs $(or $(LABDIR),../trapvisor-lab-$(LAB))

test-labs:
	$(Q)B=$(B) labs/ci.sh $(B)/labs/ci $(LABS)
ifeq ($(wildcard .lab),) # not in a starter tree: it has no solution to prove
TEST_TARGETS += test-labs
endif

.PHONY: grade lab-dist lab-start lab-check-name
