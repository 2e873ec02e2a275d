# tests/conf: the conformance programs (tests/conf/prog/*.S, one per
# instruction group and privileged behaviour, written from the RISC-V
# specs), each linked once per environment variant with crt.S and report.c,
# and the Criterion table that runs every program x variant in every mode.
CONF_B        := $(B)/tests/conf
CONF_PROGS    := $(basename $(notdir $(wildcard tests/conf/prog/*.S)))
CONF_VARIANTS := s u s_vm u_4k u_mega
CONF_ENV_s := 0
CONF_ENV_u := 1
CONF_ENV_s_vm := 2
CONF_ENV_u_4k := 3
CONF_ENV_u_mega := 4
CONF_ELFS     := $(foreach p,$(CONF_PROGS),$(foreach v,$(CONF_VARIANTS),$(CONF_B)/$(p).$(v).elf))
CONF_RT       := tests/conf/crt.S tests/conf/report.c

# build/tests/conf/PROG.VARIANT.elf, one rule per program and variant.
define conf_elf
$(CONF_B)/$(1).$(2).elf: tests/conf/prog/$(1).S $(CONF_RT) tests/conf/conf.h tests/conf/link.ld
	@mkdir -p $$(dir $$@)
	@$$(if $(Q),echo "  RVCC    $$@")
	$(Q)$(RV_CC) $(RV_CFLAGS) -MF $$@.d -I. $(RV_LDFLAGS) -Wl,--no-warn-rwx-segments \
		-DCONF_ENV=$(CONF_ENV_$(2)) -DCONF_NAME='"$(1)"' \
		-T tests/conf/link.ld -o $$@ $(CONF_RT) $$<
endef
$(foreach p,$(CONF_PROGS),$(foreach v,$(CONF_VARIANTS),$(eval $(call conf_elf,$(p),$(v)))))

$(eval $(call criterion_test,conf,tests/conf/conf_test.c tests/guest/runner.c,$(CONF_ELFS)))
